//! The structure of the iWmo 3.2 messages zothuis sends and reads, as data:
//! per element its name, namespace, cardinality and content, in the order
//! of the XSD sequence. Source: Zorginstituut Nederland, iStandaard iWmo
//! release 3.2 (istandaarden.nl/iwmo/releases/release-iwmo-3.2): the
//! message schemas WMO301, WMO302, WMO305 to WMO308 and WMO315 to WMO319
//! with the basisschema, their codelists (WMO020 productcategorie, WJ756 eenheid,
//! WMO757 frequentie, WMO002 reden wijziging, WMO588 reden beëindiging,
//! COD046 geslacht, COD467 status aanlevering, COD700 naamgebruik, COD757
//! soort adres, COD327 code verwijzer, COD260 ja/nee, WJ758 reden verzoek,
//! WJ759 reden afwijzing verzoek, WJ760 verzoek antwoord) and the restrictions RS017 (identificatie hoogstens 12
//! tekens), RS032/RS034 (datum en tijd zonder tijdzone), RS033 (geen lege
//! elementen), RS035 (gemeentecode 4 cijfers), RS036 (AGB-code 8 cijfers),
//! RS037/CS002 (BSN 9 cijfers en elfproef).
//!
//! A message that does not fit is answered with retourcode 0001 (iWmo
//! controleniveau 1 and 2: the whole message is refused); each problem is
//! named at its element path for the message log.

use super::xml::Node;

/// Where an element's name lives: the message's own namespace or the
/// basisschema (children of the composite types `CDT_…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    Message,
    Basis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurs {
    /// 1..1
    One,
    /// 0..1
    Optional,
    /// 1..n
    Many,
}

/// What a leaf may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Simple {
    /// `jjjj-mm-dd`, no time zone.
    Date,
    /// `uu:mm:ss`, no time zone.
    Time,
    /// Digits only, at most this many (LDT_Nummer: 9; Volume: 8).
    Digits(usize),
    /// Text of 1 up to this many characters.
    Text(usize),
    /// One of these codes.
    Code(&'static [&'static str]),
    /// Exactly this value.
    Fixed(&'static str),
    Bsn,
    /// Four digits (a CBS gemeentecode without "GM").
    Gemeente,
    /// Eight digits.
    Agb,
}

#[derive(Debug, Clone, Copy)]
pub enum Content {
    Group(&'static [Decl]),
    Leaf(Simple),
}

#[derive(Debug, Clone, Copy)]
pub struct Decl {
    pub name: &'static str,
    pub ns: Ns,
    pub occurs: Occurs,
    pub content: Content,
}

const fn leaf(name: &'static str, occurs: Occurs, simple: Simple) -> Decl {
    Decl {
        name,
        ns: Ns::Message,
        occurs,
        content: Content::Leaf(simple),
    }
}

const fn basis_leaf(name: &'static str, occurs: Occurs, simple: Simple) -> Decl {
    Decl {
        name,
        ns: Ns::Basis,
        occurs,
        content: Content::Leaf(simple),
    }
}

const fn group(name: &'static str, occurs: Occurs, children: &'static [Decl]) -> Decl {
    Decl {
        name,
        ns: Ns::Message,
        occurs,
        content: Content::Group(children),
    }
}

const fn basis_group(name: &'static str, occurs: Occurs, children: &'static [Decl]) -> Decl {
    Decl {
        name,
        ns: Ns::Basis,
        occurs,
        content: Content::Group(children),
    }
}

use Occurs::{Many, One, Optional};

// ---- codelists (iWmo 3.2) ----
/// COD046 Geslacht: 0 onbekend, 1 mannelijk, 2 vrouwelijk.
pub const GESLACHT: &[&str] = &["0", "1", "2"];
/// WMO020 Productcategorie (all of the list: a message may carry any).
pub const PRODUCTCATEGORIE: &[&str] = &[
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16",
    "17", "18",
];
/// WJ756 Eenheid: 01 minuut, 04 uur, 14 etmaal, 16 dagdeel, 82 stuks
/// (output), 83 euro's, 84 stuks (inspanning).
pub const EENHEID: &[&str] = &["01", "04", "14", "16", "82", "83", "84"];
/// WMO757 Frequentie: 1 per dag, 2 per week, 4 per maand, 6 totaal binnen
/// de geldigheidsduur van de toewijzing.
pub const FREQUENTIE: &[&str] = &["1", "2", "4", "6"];
/// WMO002 Reden wijziging toewijzing (01 is vervallen, CS336).
pub const REDEN_WIJZIGING: &[&str] = &[
    "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14",
];
/// WMO588 Reden beëindiging.
pub const REDEN_BEEINDIGING: &[&str] = &[
    "02", "19", "20", "21", "22", "23", "31", "36", "37", "38", "39",
];
/// COD467 Status aanlevering; in 305/307 only 1 (eerste aanlevering) and 3
/// (verwijderen aanlevering) (CS058).
pub const STATUS_AANLEVERING: &[&str] = &["1", "3"];
/// COD700 Naamgebruik (6, niet-natuurlijk persoon, not allowed: CS318).
pub const NAAMGEBRUIK: &[&str] = &["1", "2", "3", "4", "5"];
/// COD757 Soort adres: 01 BRP, 02 correspondentie, 03 verblijf, 04 tijdelijk verblijf.
pub const SOORT_ADRES: &[&str] = &["01", "02", "03", "04"];

/// COD327 Code verwijzer: 01 gemeente, 02 huisarts, 03 jeugdarts, 04
/// gecertificeerde instelling, 05 medisch specialist, 06 zelfverwijzer/geen
/// verwijzer, 08 rechter, officier van justitie, functionaris JJI.
pub const TYPE_VERWIJZER: &[&str] = &["01", "02", "03", "04", "05", "06", "08"];
/// COD260 Ja of nee: 1 ja, 2 nee.
pub const JA_NEE: &[&str] = &["1", "2"];
/// WJ758 Reden verzoek: 1 verandering cliëntsituatie, 2 wijziging zorgplan.
pub const REDEN_VERZOEK: &[&str] = &["1", "2"];
/// WJ760 Verzoek antwoord: 1 verzoek afgewezen, 2 aanvraag in onderzoek.
pub const VERZOEK_ANTWOORD: &[&str] = &["1", "2"];
/// WJ759 Reden afwijzing verzoek.
pub const REDEN_AFWIJZING: &[&str] = &["1", "2", "3", "4", "5", "6", "7", "8", "9"];

// ---- basisschema composites ----
static BERICHT_IDENTIFICATIE: [Decl; 2] = [
    basis_leaf("Identificatie", One, Simple::Text(12)),
    basis_leaf("Dagtekening", One, Simple::Date),
];
static XSD_VERSIE: [Decl; 2] = [
    basis_leaf("BasisschemaXsdVersie", One, Simple::Text(20)),
    basis_leaf("BerichtXsdVersie", One, Simple::Text(20)),
];
/// COD170 DatumGebruik: 1 dag onbekend, 2 dag en maand, 3 dag, maand en jaar.
pub const DATUM_GEBRUIK: &[&str] = &["1", "2", "3"];
/// COD747 Communicatievorm: 1 tolk taal, 2 doventolk, 3 doofblindentolk.
pub const COMMUNICATIEVORM: &[&str] = &["1", "2", "3"];
/// WJ232 Juridische status.
pub const JURIDISCHE_STATUS: &[&str] = &["01", "02", "03", "04", "05", "11", "12"];
/// WJ003 Wettelijke vertegenwoordiging.
pub const WETTELIJKE_VERTEGENWOORDIGING: &[&str] = &["06", "07", "08", "09", "10"];
/// COD472 Soort relatie: 03 up to 25.
pub const SOORT_RELATIE: &[&str] = &[
    "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18",
    "19", "20", "21", "22", "23", "24", "25",
];

/// CDT_Geboortedatum (the place of DatumGebruik after Datum follows the
/// example messages of the standard).
static GEBOORTEDATUM: [Decl; 2] = [
    basis_leaf("Datum", One, Simple::Date),
    basis_leaf("DatumGebruik", Optional, Simple::Code(DATUM_GEBRUIK)),
];
static COMMUNICATIE: [Decl; 2] = [
    basis_leaf("Vorm", One, Simple::Code(COMMUNICATIEVORM)),
    basis_leaf("Taal", Optional, Simple::Text(25)),
];
static TELEFOONNUMMER: [Decl; 2] = [
    basis_leaf("Telefoonnummer", One, Simple::Text(15)),
    basis_leaf("Landnummer", Optional, Simple::Text(4)),
];
static TELEFOON: [Decl; 2] = [
    basis_group("Telefoon01", One, &TELEFOONNUMMER),
    basis_group("Telefoon02", Optional, &TELEFOONNUMMER),
];
static PERIODE: [Decl; 2] = [
    basis_leaf("Begindatum", One, Simple::Date),
    basis_leaf("Einddatum", Optional, Simple::Date),
];
static NAAM_DEEL: [Decl; 2] = [
    basis_leaf("Achternaam", One, Simple::Text(200)),
    basis_leaf("Voorvoegsel", Optional, Simple::Text(10)),
];
/// CDT_VolledigeNaam (301).
static VOLLEDIGE_NAAM: [Decl; 5] = [
    basis_group("Geslachtsnaam", One, &NAAM_DEEL),
    basis_group("Partnernaam", Optional, &NAAM_DEEL),
    basis_leaf("Voornamen", Optional, Simple::Text(200)),
    basis_leaf("Voorletters", Optional, Simple::Text(6)),
    basis_leaf("NaamGebruik", One, Simple::Code(NAAMGEBRUIK)),
];
/// CDT_VerkorteNaam (305, 307).
static VERKORTE_NAAM: [Decl; 3] = [
    basis_group("Geslachtsnaam", One, &NAAM_DEEL),
    basis_leaf("Voornamen", Optional, Simple::Text(200)),
    basis_leaf("Voorletters", Optional, Simple::Text(6)),
];
static PRODUCT: [Decl; 2] = [
    basis_leaf("Categorie", One, Simple::Code(PRODUCTCATEGORIE)),
    basis_leaf("Code", Optional, Simple::Text(5)),
];
static OMVANG: [Decl; 3] = [
    basis_leaf("Volume", One, Simple::Digits(8)),
    basis_leaf("Eenheid", One, Simple::Code(EENHEID)),
    basis_leaf("Frequentie", One, Simple::Code(FREQUENTIE)),
];
/// CDT_Verwijzer. By CD066 to CD068 at most one of ZorgverlenerCode and
/// Naam is filled, so their order never shows in a valid message.
static VERWIJZER: [Decl; 3] = [
    basis_leaf("Type", One, Simple::Code(TYPE_VERWIJZER)),
    basis_leaf("ZorgverlenerCode", Optional, Simple::Agb),
    basis_leaf("Naam", Optional, Simple::Text(64)),
];
static HUIS: [Decl; 4] = [
    basis_leaf("Huisnummer", One, Simple::Digits(5)),
    basis_leaf("Huisletter", Optional, Simple::Text(1)),
    basis_leaf("HuisnummerToevoeging", Optional, Simple::Text(4)),
    basis_leaf("AanduidingWoonadres", Optional, Simple::Text(2)),
];
static ADRES: [Decl; 5] = [
    basis_group("Huis", Optional, &HUIS),
    basis_leaf("Postcode", Optional, Simple::Text(6)),
    basis_leaf("Straatnaam", Optional, Simple::Text(24)),
    basis_leaf("Plaatsnaam", Optional, Simple::Text(80)),
    basis_leaf("LandCode", Optional, Simple::Text(2)),
];

// ---- headers ----
/// The header of a message to its receiver ("heenbericht").
const fn heen_header(code: &'static str, afzender: Simple, ontvanger: Simple) -> [Decl; 7] {
    [
        leaf("BerichtCode", One, Simple::Fixed(code)),
        leaf("BerichtVersie", One, Simple::Fixed("3")),
        leaf("BerichtSubversie", One, Simple::Fixed("2")),
        leaf("Afzender", One, afzender),
        leaf("Ontvanger", One, ontvanger),
        group("BerichtIdentificatie", One, &BERICHT_IDENTIFICATIE),
        group("XsdVersie", One, &XSD_VERSIE),
    ]
}
static HEADER_301: [Decl; 7] = heen_header("414", Simple::Gemeente, Simple::Agb);
static HEADER_305: [Decl; 7] = heen_header("418", Simple::Agb, Simple::Gemeente);
static HEADER_307: [Decl; 7] = heen_header("420", Simple::Agb, Simple::Gemeente);
static HEADER_315: [Decl; 7] = heen_header("444", Simple::Agb, Simple::Gemeente);
static HEADER_317: [Decl; 7] = heen_header("480", Simple::Agb, Simple::Gemeente);
static HEADER_319: [Decl; 7] = heen_header("482", Simple::Gemeente, Simple::Agb);

// ---- WMO301 Toewijzing ----
static CONTACT_301: [Decl; 6] = [
    leaf("Soort", One, Simple::Code(SOORT_ADRES)),
    group("Adres", Optional, &ADRES),
    leaf("Organisatie", Optional, Simple::Text(35)),
    group("Telefoon", Optional, &TELEFOON),
    leaf("Emailadres", Optional, Simple::Text(80)),
    group("Periode", Optional, &PERIODE),
];
static CONTACTGEGEVENS_301: [Decl; 1] = [group("Contact", Many, &CONTACT_301)];
static RELATIE_301: [Decl; 7] = [
    leaf("Nummer", One, Simple::Text(20)),
    leaf("Volgorde", Optional, Simple::Digits(2)),
    leaf("Soort", One, Simple::Code(SOORT_RELATIE)),
    group("Geboortedatum", Optional, &GEBOORTEDATUM),
    leaf("Geslacht", Optional, Simple::Code(GESLACHT)),
    group("Naam", One, &VOLLEDIGE_NAAM),
    group("Contact", One, &CONTACT_301),
];
static RELATIES_301: [Decl; 1] = [group("Relatie", Many, &RELATIE_301)];
static TOEGEWEZEN_PRODUCT: [Decl; 11] = [
    leaf("ToewijzingNummer", One, Simple::Digits(9)),
    leaf("ReferentieAanbieder", Optional, Simple::Text(36)),
    group("Product", Optional, &PRODUCT),
    leaf("Toewijzingsdatum", One, Simple::Date),
    leaf("Toewijzingstijd", One, Simple::Time),
    leaf("Ingangsdatum", One, Simple::Date),
    leaf("Einddatum", Optional, Simple::Date),
    leaf("RedenWijziging", Optional, Simple::Code(REDEN_WIJZIGING)),
    group("Omvang", Optional, &OMVANG),
    leaf("Budget", Optional, Simple::Digits(8)),
    leaf("Commentaar", Optional, Simple::Text(1000)),
];
static TOEGEWEZEN_PRODUCTEN: [Decl; 1] = [group("ToegewezenProduct", Many, &TOEGEWEZEN_PRODUCT)];
static CLIENT_301: [Decl; 11] = [
    leaf("Bsn", One, Simple::Bsn),
    group("Geboortedatum", One, &GEBOORTEDATUM),
    leaf("Geslacht", One, Simple::Code(GESLACHT)),
    group("Naam", One, &VOLLEDIGE_NAAM),
    group("Communicatie", Optional, &COMMUNICATIE),
    leaf(
        "JuridischeStatus",
        Optional,
        Simple::Code(JURIDISCHE_STATUS),
    ),
    leaf(
        "WettelijkeVertegenwoordiging",
        Optional,
        Simple::Code(WETTELIJKE_VERTEGENWOORDIGING),
    ),
    leaf("Commentaar", Optional, Simple::Text(1000)),
    group("Relaties", Optional, &RELATIES_301),
    group("Contactgegevens", One, &CONTACTGEGEVENS_301),
    group("ToegewezenProducten", One, &TOEGEWEZEN_PRODUCTEN),
];
static BERICHT_301: [Decl; 2] = [
    group("Header", One, &HEADER_301),
    group("Client", One, &CLIENT_301),
];

// ---- WMO305 Start, WMO307 Stop ----
static START_PRODUCT: [Decl; 5] = [
    leaf("ToewijzingNummer", Optional, Simple::Digits(9)),
    group("Product", Optional, &PRODUCT),
    leaf("ToewijzingIngangsdatum", Optional, Simple::Date),
    leaf("Begindatum", One, Simple::Date),
    leaf("StatusAanlevering", One, Simple::Code(STATUS_AANLEVERING)),
];
static START_PRODUCTEN: [Decl; 1] = [group("StartProduct", Many, &START_PRODUCT)];
static CLIENT_305: [Decl; 5] = [
    leaf("Bsn", One, Simple::Bsn),
    group("Geboortedatum", One, &GEBOORTEDATUM),
    leaf("Geslacht", One, Simple::Code(GESLACHT)),
    group("Naam", One, &VERKORTE_NAAM),
    group("StartProducten", One, &START_PRODUCTEN),
];
static BERICHT_305: [Decl; 2] = [
    group("Header", One, &HEADER_305),
    group("Client", One, &CLIENT_305),
];
static STOP_PRODUCT: [Decl; 7] = [
    START_PRODUCT[0],
    START_PRODUCT[1],
    START_PRODUCT[2],
    START_PRODUCT[3],
    leaf("RedenBeeindiging", One, Simple::Code(REDEN_BEEINDIGING)),
    leaf("Einddatum", One, Simple::Date),
    leaf("StatusAanlevering", One, Simple::Code(STATUS_AANLEVERING)),
];
static STOP_PRODUCTEN: [Decl; 1] = [group("StopProduct", Many, &STOP_PRODUCT)];
static CLIENT_307: [Decl; 5] = [
    CLIENT_305[0],
    CLIENT_305[1],
    CLIENT_305[2],
    CLIENT_305[3],
    group("StopProducten", One, &STOP_PRODUCTEN),
];
static BERICHT_307: [Decl; 2] = [
    group("Header", One, &HEADER_307),
    group("Client", One, &CLIENT_307),
];

// ---- WMO306 and WMO308: the retours to a start and a stop ----
static RETOUR_CODES: [Decl; 1] = [leaf("RetourCode", Many, Simple::Text(4))];

/// A class of a retour: the class of the message answered, with its
/// `RetourCodes` as last child (the retour XSDs; IV028). `M` is `N + 1`.
const fn with_codes<const N: usize, const M: usize>(class: &[Decl; N], codes: Occurs) -> [Decl; M] {
    let mut out = [group("RetourCodes", codes, &RETOUR_CODES); M];
    let mut i = 0;
    while i < N {
        out[i] = class[i];
        i += 1;
    }
    out
}

const fn retour_header(code: &'static str, afzender: Simple, ontvanger: Simple) -> [Decl; 12] {
    // IV028: sender and receiver as in the message answered.
    let h = heen_header(code, afzender, ontvanger);
    [
        h[0],
        h[1],
        h[2],
        h[3],
        h[4],
        h[5],
        h[6],
        leaf("IdentificatieRetour", One, Simple::Text(12)),
        leaf("DagtekeningRetour", One, Simple::Date),
        leaf("XsltVersie", Optional, Simple::Text(20)),
        group("XsdVersieRetour", One, &XSD_VERSIE),
        group("RetourCodes", Optional, &RETOUR_CODES),
    ]
}
static HEADER_306: [Decl; 12] = retour_header("419", Simple::Agb, Simple::Gemeente);
static HEADER_308: [Decl; 12] = retour_header("421", Simple::Agb, Simple::Gemeente);
static START_PRODUCT_RETOUR: [Decl; 6] = with_codes(&START_PRODUCT, One);
static START_PRODUCTEN_RETOUR: [Decl; 1] = [group("StartProduct", Many, &START_PRODUCT_RETOUR)];
static CLIENT_306: [Decl; 6] = with_codes(
    &[
        CLIENT_305[0],
        CLIENT_305[1],
        CLIENT_305[2],
        CLIENT_305[3],
        group("StartProducten", One, &START_PRODUCTEN_RETOUR),
    ],
    One,
);
static BERICHT_306: [Decl; 2] = [
    group("Header", One, &HEADER_306),
    group("Client", Optional, &CLIENT_306),
];
static STOP_PRODUCT_RETOUR: [Decl; 8] = with_codes(&STOP_PRODUCT, One);
static STOP_PRODUCTEN_RETOUR: [Decl; 1] = [group("StopProduct", Many, &STOP_PRODUCT_RETOUR)];
static CLIENT_308: [Decl; 6] = with_codes(
    &[
        CLIENT_305[0],
        CLIENT_305[1],
        CLIENT_305[2],
        CLIENT_305[3],
        group("StopProducten", One, &STOP_PRODUCTEN_RETOUR),
    ],
    One,
);
static BERICHT_308: [Decl; 2] = [
    group("Header", One, &HEADER_308),
    group("Client", Optional, &CLIENT_308),
];

// ---- WMO302: the provider's retour to a 301 ----
static HEADER_302: [Decl; 12] = retour_header("415", Simple::Gemeente, Simple::Agb);
static CONTACT_302: [Decl; 7] = with_codes(&CONTACT_301, One);
static CONTACTGEGEVENS_302: [Decl; 1] = [group("Contact", Many, &CONTACT_302)];
static RELATIE_302: [Decl; 8] = with_codes(
    &[
        RELATIE_301[0],
        RELATIE_301[1],
        RELATIE_301[2],
        RELATIE_301[3],
        RELATIE_301[4],
        RELATIE_301[5],
        group("Contact", One, &CONTACT_302),
    ],
    One,
);
static RELATIES_302: [Decl; 1] = [group("Relatie", Many, &RELATIE_302)];
static TOEGEWEZEN_PRODUCT_302: [Decl; 12] = with_codes(&TOEGEWEZEN_PRODUCT, One);
static TOEGEWEZEN_PRODUCTEN_302: [Decl; 1] =
    [group("ToegewezenProduct", Many, &TOEGEWEZEN_PRODUCT_302)];
static CLIENT_302: [Decl; 12] = with_codes(
    &[
        CLIENT_301[0],
        CLIENT_301[1],
        CLIENT_301[2],
        CLIENT_301[3],
        CLIENT_301[4],
        CLIENT_301[5],
        CLIENT_301[6],
        CLIENT_301[7],
        group("Relaties", Optional, &RELATIES_302),
        group("Contactgegevens", One, &CONTACTGEGEVENS_302),
        group("ToegewezenProducten", One, &TOEGEWEZEN_PRODUCTEN_302),
    ],
    One,
);
static BERICHT_302: [Decl; 2] = [
    group("Header", One, &HEADER_302),
    group("Client", Optional, &CLIENT_302),
];

// ---- WMO315 Verzoek om toewijzing, WMO316 its retour ----
static AANGEVRAAGD_PRODUCT: [Decl; 11] = [
    leaf("ReferentieAanbieder", One, Simple::Text(36)),
    leaf("BeschikkingNummer", Optional, Simple::Digits(9)),
    group("Product", Optional, &PRODUCT),
    leaf("BeschikkingIngangsdatum", Optional, Simple::Date),
    leaf("ToewijzingIngangsdatum", One, Simple::Date),
    leaf("ToewijzingEinddatum", Optional, Simple::Date),
    group("Omvang", Optional, &OMVANG),
    leaf("Budget", Optional, Simple::Digits(8)),
    group("Verwijzer", One, &VERWIJZER),
    leaf("Raamcontract", Optional, Simple::Code(JA_NEE)),
    leaf("Commentaar", Optional, Simple::Text(1000)),
];
static AANGEVRAAGDE_PRODUCTEN: [Decl; 1] =
    [group("AangevraagdProduct", Many, &AANGEVRAAGD_PRODUCT)];
static CLIENT_315: [Decl; 6] = [
    CLIENT_305[0],
    CLIENT_305[1],
    CLIENT_305[2],
    CLIENT_305[3],
    leaf("Commentaar", Optional, Simple::Text(1000)),
    group("AangevraagdeProducten", One, &AANGEVRAAGDE_PRODUCTEN),
];
static BERICHT_315: [Decl; 2] = [
    group("Header", One, &HEADER_315),
    group("Client", One, &CLIENT_315),
];
static HEADER_316: [Decl; 12] = retour_header("445", Simple::Agb, Simple::Gemeente);
static AANGEVRAAGD_PRODUCT_RETOUR: [Decl; 12] = with_codes(&AANGEVRAAGD_PRODUCT, One);
static AANGEVRAAGDE_PRODUCTEN_RETOUR: [Decl; 1] = [group(
    "AangevraagdProduct",
    Many,
    &AANGEVRAAGD_PRODUCT_RETOUR,
)];
static CLIENT_316: [Decl; 7] = with_codes(
    &[
        CLIENT_315[0],
        CLIENT_315[1],
        CLIENT_315[2],
        CLIENT_315[3],
        CLIENT_315[4],
        group("AangevraagdeProducten", One, &AANGEVRAAGDE_PRODUCTEN_RETOUR),
    ],
    One,
);
static BERICHT_316: [Decl; 2] = [
    group("Header", One, &HEADER_316),
    group("Client", Optional, &CLIENT_316),
];

// ---- WMO317 Verzoek om wijziging, WMO318 its retour ----
static ONGEWIJZIGD_PRODUCT: [Decl; 1] = [leaf("ToewijzingNummer", One, Simple::Digits(9))];
static TE_WIJZIGEN_PRODUCT: [Decl; 5] = [
    leaf("ToewijzingNummer", One, Simple::Digits(9)),
    leaf("GewensteIngangsdatum", One, Simple::Date),
    leaf("Einddatum", Optional, Simple::Date),
    group("Omvang", Optional, &OMVANG),
    leaf("Budget", Optional, Simple::Digits(8)),
];
static NIEUW_PRODUCT: [Decl; 5] = [
    group("Product", Optional, &PRODUCT),
    leaf("GewensteIngangsdatum", One, Simple::Date),
    leaf("Einddatum", Optional, Simple::Date),
    group("Omvang", Optional, &OMVANG),
    leaf("Budget", Optional, Simple::Digits(8)),
];
/// The three lists of a Verzoek, each of items of one class.
const fn verzoek(
    ongewijzigd: &'static [Decl],
    te_wijzigen: &'static [Decl],
    nieuw: &'static [Decl],
) -> [Decl; 5] {
    [
        leaf("ReferentieAanbieder", One, Simple::Text(36)),
        leaf("RedenVerzoek", One, Simple::Code(REDEN_VERZOEK)),
        group("OngewijzigdeProducten", Optional, ongewijzigd),
        group("TeWijzigenProducten", Optional, te_wijzigen),
        group("NieuweProducten", Optional, nieuw),
    ]
}
static ONGEWIJZIGDE_PRODUCTEN: [Decl; 1] =
    [group("OngewijzigdProduct", Many, &ONGEWIJZIGD_PRODUCT)];
static TE_WIJZIGEN_PRODUCTEN: [Decl; 1] = [group("TeWijzigenProduct", Many, &TE_WIJZIGEN_PRODUCT)];
static NIEUWE_PRODUCTEN: [Decl; 1] = [group("NieuwProduct", Many, &NIEUW_PRODUCT)];
static VERZOEK_317: [Decl; 5] = verzoek(
    &ONGEWIJZIGDE_PRODUCTEN,
    &TE_WIJZIGEN_PRODUCTEN,
    &NIEUWE_PRODUCTEN,
);
static CLIENT_317: [Decl; 2] = [CLIENT_305[0], group("Verzoek", One, &VERZOEK_317)];
static BERICHT_317: [Decl; 2] = [
    group("Header", One, &HEADER_317),
    group("Client", One, &CLIENT_317),
];
static HEADER_318: [Decl; 12] = retour_header("481", Simple::Agb, Simple::Gemeente);
static ONGEWIJZIGD_PRODUCT_RETOUR: [Decl; 2] = with_codes(&ONGEWIJZIGD_PRODUCT, One);
static TE_WIJZIGEN_PRODUCT_RETOUR: [Decl; 6] = with_codes(&TE_WIJZIGEN_PRODUCT, One);
static NIEUW_PRODUCT_RETOUR: [Decl; 6] = with_codes(&NIEUW_PRODUCT, One);
static ONGEWIJZIGDE_PRODUCTEN_RETOUR: [Decl; 1] = [group(
    "OngewijzigdProduct",
    Many,
    &ONGEWIJZIGD_PRODUCT_RETOUR,
)];
static TE_WIJZIGEN_PRODUCTEN_RETOUR: [Decl; 1] = [group(
    "TeWijzigenProduct",
    Many,
    &TE_WIJZIGEN_PRODUCT_RETOUR,
)];
static NIEUWE_PRODUCTEN_RETOUR: [Decl; 1] = [group("NieuwProduct", Many, &NIEUW_PRODUCT_RETOUR)];
static VERZOEK_318: [Decl; 6] = with_codes(
    &verzoek(
        &ONGEWIJZIGDE_PRODUCTEN_RETOUR,
        &TE_WIJZIGEN_PRODUCTEN_RETOUR,
        &NIEUWE_PRODUCTEN_RETOUR,
    ),
    One,
);
static CLIENT_318: [Decl; 3] =
    with_codes(&[CLIENT_305[0], group("Verzoek", One, &VERZOEK_318)], One);
static BERICHT_318: [Decl; 2] = [
    group("Header", One, &HEADER_318),
    group("Client", Optional, &CLIENT_318),
];

// ---- WMO319 Antwoordbericht ----
static ANTWOORD: [Decl; 3] = [
    leaf("ReferentieAanbieder", One, Simple::Text(36)),
    leaf("VerzoekAntwoord", One, Simple::Code(VERZOEK_ANTWOORD)),
    leaf(
        "RedenAfwijzingVerzoek",
        Optional,
        Simple::Code(REDEN_AFWIJZING),
    ),
];
static BERICHT_319: [Decl; 2] = [
    group("Header", One, &HEADER_319),
    group("Antwoord", One, &ANTWOORD),
];

/// An iWmo message type zothuis knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    Wmo301,
    Wmo302,
    Wmo305,
    Wmo306,
    Wmo307,
    Wmo308,
    Wmo315,
    Wmo316,
    Wmo317,
    Wmo318,
    Wmo319,
}

/// The namespace of the basisschema (iWmo 3.2).
pub const BASIS_NS: &str = "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema";

impl Message {
    pub const ALL: [Message; 11] = [
        Message::Wmo301,
        Message::Wmo302,
        Message::Wmo305,
        Message::Wmo306,
        Message::Wmo307,
        Message::Wmo308,
        Message::Wmo315,
        Message::Wmo316,
        Message::Wmo317,
        Message::Wmo318,
        Message::Wmo319,
    ];

    /// The message type with this number (301).
    pub fn from_number(number: &str) -> Option<Message> {
        Message::ALL.into_iter().find(|m| m.number() == number)
    }

    /// The message's code in its name (301) and its prefix in files.
    pub fn number(self) -> &'static str {
        match self {
            Message::Wmo301 => "301",
            Message::Wmo302 => "302",
            Message::Wmo305 => "305",
            Message::Wmo306 => "306",
            Message::Wmo307 => "307",
            Message::Wmo308 => "308",
            Message::Wmo315 => "315",
            Message::Wmo316 => "316",
            Message::Wmo317 => "317",
            Message::Wmo318 => "318",
            Message::Wmo319 => "319",
        }
    }

    /// BerichtCode (Vektis COD002).
    pub fn bericht_code(self) -> &'static str {
        match self {
            Message::Wmo301 => "414",
            Message::Wmo302 => "415",
            Message::Wmo305 => "418",
            Message::Wmo306 => "419",
            Message::Wmo307 => "420",
            Message::Wmo308 => "421",
            Message::Wmo315 => "444",
            Message::Wmo316 => "445",
            Message::Wmo317 => "480",
            Message::Wmo318 => "481",
            Message::Wmo319 => "482",
        }
    }

    pub fn namespace(self) -> String {
        format!(
            "http://www.istandaarden.nl/iwmo/3_2/wmo{}/schema",
            self.number()
        )
    }

    /// The root `Bericht` and what it holds.
    pub fn root(self) -> Decl {
        group(
            "Bericht",
            One,
            match self {
                Message::Wmo301 => &BERICHT_301,
                Message::Wmo302 => &BERICHT_302,
                Message::Wmo305 => &BERICHT_305,
                Message::Wmo306 => &BERICHT_306,
                Message::Wmo307 => &BERICHT_307,
                Message::Wmo308 => &BERICHT_308,
                Message::Wmo315 => &BERICHT_315,
                Message::Wmo316 => &BERICHT_316,
                Message::Wmo317 => &BERICHT_317,
                Message::Wmo318 => &BERICHT_318,
                Message::Wmo319 => &BERICHT_319,
            },
        )
    }

    /// The retour that answers this message, for a message that has one.
    pub fn retour(self) -> Option<Message> {
        match self {
            Message::Wmo301 => Some(Message::Wmo302),
            Message::Wmo305 => Some(Message::Wmo306),
            Message::Wmo307 => Some(Message::Wmo308),
            Message::Wmo315 => Some(Message::Wmo316),
            Message::Wmo317 => Some(Message::Wmo318),
            _ => None,
        }
    }

    /// The classes of the message that are judged one by one and get their
    /// own retourcode in the retour (IV028), in the order they appear.
    pub fn judged(self) -> &'static [&'static str] {
        match self {
            Message::Wmo301 => &["ToegewezenProduct"],
            Message::Wmo305 => &["StartProduct"],
            Message::Wmo307 => &["StopProduct"],
            Message::Wmo315 => &["AangevraagdProduct"],
            Message::Wmo317 => &[
                "Verzoek",
                "OngewijzigdProduct",
                "TeWijzigenProduct",
                "NieuwProduct",
            ],
            _ => &[],
        }
    }

    /// The message type of a read message, by the namespace of its root.
    pub fn of(root: &Node) -> Option<Message> {
        Message::ALL
            .into_iter()
            .find(|m| root.name == "Bericht" && root.ns == m.namespace())
    }
}

/// One way a message does not fit its schema: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Element path, e.g. `Bericht/Client/StartProducten/StartProduct[2]/Begindatum`.
    pub path: String,
    pub message: String,
}

/// Checks a read message against its schema: order, cardinality, namespaces
/// and the content of every leaf. Empty when it fits.
pub fn validate(root: &Node, message: Message) -> Vec<Problem> {
    let mut problems = Vec::new();
    let ns = message.namespace();
    check(root, &message.root(), &ns, "Bericht", &mut problems);
    problems
}

fn check(node: &Node, decl: &Decl, message_ns: &str, path: &str, out: &mut Vec<Problem>) {
    let expected_ns = match decl.ns {
        Ns::Message => message_ns,
        Ns::Basis => BASIS_NS,
    };
    if node.ns != expected_ns {
        out.push(Problem {
            path: path.to_string(),
            message: format!("hoort in namespace {expected_ns}, niet in {:?}", node.ns),
        });
    }
    match decl.content {
        Content::Leaf(simple) => {
            if !node.children.is_empty() {
                out.push(Problem {
                    path: path.to_string(),
                    message: "bevat elementen, maar hoort alleen een waarde te hebben".into(),
                });
            } else if let Some(why) = leaf_problem(node.text.trim(), simple) {
                out.push(Problem {
                    path: path.to_string(),
                    message: why,
                });
            }
        }
        Content::Group(children) => {
            if !node.text.trim().is_empty() {
                out.push(Problem {
                    path: path.to_string(),
                    message: "bevat tekst, maar hoort elementen te bevatten".into(),
                });
            }
            let mut i = 0;
            for child in children {
                let start = i;
                while i < node.children.len() && node.children[i].name == child.name {
                    i += 1;
                }
                let count = i - start;
                let too_many = matches!(child.occurs, One | Optional) && count > 1;
                let missing = matches!(child.occurs, One | Many) && count == 0;
                if missing {
                    out.push(Problem {
                        path: format!("{path}/{}", child.name),
                        message: "ontbreekt (verplicht element)".into(),
                    });
                }
                if too_many {
                    out.push(Problem {
                        path: format!("{path}/{}", child.name),
                        message: format!("komt {count} keer voor; hoogstens één keer toegestaan"),
                    });
                }
                for (n, item) in node.children[start..i].iter().enumerate() {
                    let item_path = if count > 1 {
                        format!("{path}/{}[{}]", child.name, n + 1)
                    } else {
                        format!("{path}/{}", child.name)
                    };
                    check(item, child, message_ns, &item_path, out);
                }
            }
            for extra in &node.children[i..] {
                let known = children.iter().any(|c| c.name == extra.name);
                out.push(Problem {
                    path: format!("{path}/{}", extra.name),
                    message: if known {
                        "staat op de verkeerde plaats (de volgorde ligt vast)".into()
                    } else {
                        "is geen element van dit bericht".into()
                    },
                });
            }
        }
    }
}

fn leaf_problem(value: &str, simple: Simple) -> Option<String> {
    // RS033: no empty elements; leave an optional one out instead.
    if value.is_empty() {
        return Some("is leeg; laat een element zonder waarde weg (RS033)".into());
    }
    let digits = |n: usize| value.len() <= n && value.chars().all(|c| c.is_ascii_digit());
    match simple {
        Simple::Date => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .ok()
            .filter(|_| value.len() == 10)
            .is_none()
            .then(|| format!("{value:?} is geen datum jjjj-mm-dd zonder tijdzone")),
        Simple::Time => chrono::NaiveTime::parse_from_str(value, "%H:%M:%S")
            .ok()
            .filter(|_| value.len() == 8)
            .is_none()
            .then(|| format!("{value:?} is geen tijd uu:mm:ss zonder tijdzone")),
        Simple::Digits(n) => {
            (!digits(n)).then(|| format!("{value:?} is geen getal van hoogstens {n} cijfers"))
        }
        Simple::Text(n) => (value.chars().count() > n).then(|| format!("is langer dan {n} tekens")),
        Simple::Code(list) => (!list.contains(&value))
            .then(|| format!("{value:?} staat niet in de codelijst ({})", list.join(", "))),
        Simple::Fixed(v) => (value != v).then(|| format!("moet {v} zijn, niet {value:?}")),
        Simple::Bsn => (value.len() != 9 || crate::clients::Bsn::parse(value).is_err())
            .then(|| format!("{value:?} is geen geldig BSN (9 cijfers, elfproef)")),
        Simple::Gemeente => (value.len() != 4 || !digits(4))
            .then(|| format!("{value:?} is geen gemeentecode van 4 cijfers")),
        Simple::Agb => (value.len() != 8 || !digits(8))
            .then(|| format!("{value:?} is geen AGB-code van 8 cijfers")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::xml::parse;
    use super::*;

    /// A start message as a provider's system writes it (default namespace
    /// for the message, a prefix for the basisschema), for an invented
    /// client with a BSN from the test range.
    const START: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns="http://www.istandaarden.nl/iwmo/3_2/wmo305/schema" xmlns:iwmo="http://www.istandaarden.nl/iwmo/3_2/basisschema/schema">
  <Header>
    <BerichtCode>418</BerichtCode>
    <BerichtVersie>3</BerichtVersie>
    <BerichtSubversie>2</BerichtSubversie>
    <Afzender>98765432</Afzender>
    <Ontvanger>0406</Ontvanger>
    <BerichtIdentificatie>
      <iwmo:Identificatie>KW305-0001</iwmo:Identificatie>
      <iwmo:Dagtekening>2026-03-10</iwmo:Dagtekening>
    </BerichtIdentificatie>
    <XsdVersie>
      <iwmo:BasisschemaXsdVersie>1.0.0</iwmo:BasisschemaXsdVersie>
      <iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie>
    </XsdVersie>
  </Header>
  <Client>
    <Bsn>999990020</Bsn>
    <Geboortedatum><iwmo:Datum>1988-03-14</iwmo:Datum></Geboortedatum>
    <Geslacht>2</Geslacht>
    <Naam><iwmo:Geslachtsnaam><iwmo:Achternaam>Visser</iwmo:Achternaam></iwmo:Geslachtsnaam></Naam>
    <StartProducten>
      <StartProduct>
        <ToewijzingNummer>1001</ToewijzingNummer>
        <Product><iwmo:Categorie>15</iwmo:Categorie><iwmo:Code>BW01</iwmo:Code></Product>
        <ToewijzingIngangsdatum>2026-03-09</ToewijzingIngangsdatum>
        <Begindatum>2026-03-09</Begindatum>
        <StatusAanlevering>1</StatusAanlevering>
      </StartProduct>
    </StartProducten>
  </Client>
</Bericht>"#;

    fn problems(text: &str) -> Vec<Problem> {
        let node = parse(text.as_bytes()).unwrap();
        validate(&node, Message::of(&node).expect("a known message"))
    }

    #[test]
    fn a_providers_start_message_fits() {
        let node = parse(START.as_bytes()).unwrap();
        assert_eq!(Message::of(&node), Some(Message::Wmo305));
        assert_eq!(validate(&node, Message::Wmo305), vec![]);
        assert_eq!(
            node.text_at(&["Client", "StartProducten", "StartProduct", "Begindatum"]),
            Some("2026-03-09")
        );
    }

    #[test]
    fn each_break_of_the_schema_is_named_at_its_path() {
        let product = "Bericht/Client/StartProducten/StartProduct";
        for (from, to, path, what) in [
            (
                "<Begindatum>2026-03-09</Begindatum>",
                "",
                "Begindatum",
                "ontbreekt",
            ),
            (
                "2026-03-09</Begindatum>",
                "09-03-2026</Begindatum>",
                "Begindatum",
                "geen datum",
            ),
            (
                "<StatusAanlevering>1<",
                "<StatusAanlevering>2<",
                "StatusAanlevering",
                "codelijst",
            ),
            (
                "<Bsn>999990020</Bsn>",
                "<Bsn>999990021</Bsn>",
                "",
                "elfproef",
            ),
            (
                "<BerichtCode>418<",
                "<BerichtCode>414<",
                "",
                "moet 418 zijn",
            ),
            (
                "<ToewijzingNummer>1001</ToewijzingNummer>",
                "<ToewijzingNummer></ToewijzingNummer>",
                "ToewijzingNummer",
                "RS033",
            ),
            (
                "<StatusAanlevering>1</StatusAanlevering>",
                "<StatusAanlevering>1</StatusAanlevering><Extra>x</Extra>",
                "Extra",
                "geen element",
            ),
            (
                "<Begindatum>2026-03-09</Begindatum>\n        <StatusAanlevering>1</StatusAanlevering>",
                "<StatusAanlevering>1</StatusAanlevering><Begindatum>2026-03-09</Begindatum>",
                "Begindatum",
                "verkeerde plaats",
            ),
            (
                "<iwmo:Categorie>15</iwmo:Categorie>",
                "<Categorie>15</Categorie>",
                "Product/Categorie",
                "namespace",
            ),
        ] {
            assert!(START.contains(from), "{from}");
            let found = problems(&START.replacen(from, to, 1));
            assert!(
                found.iter().any(|p| p.message.contains(what)
                    && (path.is_empty() || p.path == format!("{product}/{path}"))),
                "{from} → {to}: {found:?}"
            );
        }
        let two = START.replace(
            "</StartProduct>",
            "</StartProduct><StartProduct><Begindatum>2026-04-01</Begindatum><StatusAanlevering>9</StatusAanlevering></StartProduct>",
        );
        let found = problems(&two);
        assert_eq!(
            found,
            vec![Problem {
                path: format!("{product}[2]/StatusAanlevering"),
                message: "\"9\" staat niet in de codelijst (1, 3)".into()
            }]
        );
    }

    #[test]
    fn a_stop_message_needs_its_reason_and_end() {
        let stop = START
            .replace("wmo305", "wmo307")
            .replace("<BerichtCode>418<", "<BerichtCode>420<")
            .replace("StartProduct", "StopProduct")
            .replace(
                "<Begindatum>2026-03-09</Begindatum>",
                "<Begindatum>2026-03-09</Begindatum><RedenBeeindiging>19</RedenBeeindiging><Einddatum>2026-09-30</Einddatum>",
            );
        assert_eq!(problems(&stop), vec![]);
        let found = problems(&stop.replace("<RedenBeeindiging>19</RedenBeeindiging>", ""));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].path.ends_with("StopProduct/RedenBeeindiging"));
    }
}
