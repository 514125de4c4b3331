//! Moving in from spreadsheets: a region's clients, decisions, waiting-list
//! history and stays with their registrations at the access point and
//! nominations for outflow, and the registers without clients (Pact
//! agreements, HOV trajectories, zorgcoördinatie), read from documented
//! tables (CSV files or XLSX sheets).
//!
//! Reading bytes into [`Table`]s happens outside the domain (the
//! `zothuis-import` crate); here every table is validated completely, row by
//! row and column by column, into an [`plan::ImportBatch`] that the store
//! writes in one transaction — all or nothing.

pub mod client_registers;
pub mod plan;
pub mod registers;
pub mod service;

use std::collections::HashMap;
use std::fmt;

/// The tables an import understands, named after the file (or sheet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableKind {
    Clienten,
    Adressen,
    Beschikkingen,
    Wachtlijst,
    Verblijven,
    Toegangsmeldingen,
    Voordrachten,
    PactAfspraken,
    HovTrajecten,
    ZorgcoordinatieTrajecten,
    ZorgcoordinatieMeldingen,
}

/// One documented column: its name, whether it must be filled in, and what it holds.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    pub description: &'static str,
}

const fn col(name: &'static str, required: bool, description: &'static str) -> Column {
    Column {
        name,
        required,
        description,
    }
}

impl TableKind {
    pub const ALL: [TableKind; 11] = [
        TableKind::Clienten,
        TableKind::Adressen,
        TableKind::Beschikkingen,
        TableKind::Wachtlijst,
        TableKind::Verblijven,
        TableKind::Toegangsmeldingen,
        TableKind::Voordrachten,
        TableKind::PactAfspraken,
        TableKind::HovTrajecten,
        TableKind::ZorgcoordinatieTrajecten,
        TableKind::ZorgcoordinatieMeldingen,
    ];

    /// A register without clients in it, kept by its own role; the other
    /// tables make up a client's journey.
    pub fn is_register(self) -> bool {
        match self {
            TableKind::Clienten
            | TableKind::Adressen
            | TableKind::Beschikkingen
            | TableKind::Wachtlijst
            | TableKind::Verblijven
            | TableKind::Toegangsmeldingen
            | TableKind::Voordrachten => false,
            TableKind::PactAfspraken
            | TableKind::HovTrajecten
            | TableKind::ZorgcoordinatieTrajecten
            | TableKind::ZorgcoordinatieMeldingen => true,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TableKind::Clienten => "clienten",
            TableKind::Adressen => "adressen",
            TableKind::Beschikkingen => "beschikkingen",
            TableKind::Wachtlijst => "wachtlijst",
            TableKind::Verblijven => "verblijven",
            TableKind::Toegangsmeldingen => "toegangsmeldingen",
            TableKind::Voordrachten => "voordrachten",
            TableKind::PactAfspraken => "pact-afspraken",
            TableKind::HovTrajecten => "hov-trajecten",
            TableKind::ZorgcoordinatieTrajecten => "zorgcoordinatie-trajecten",
            TableKind::ZorgcoordinatieMeldingen => "zorgcoordinatie-meldingen",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            TableKind::Clienten => "Eén rij per cliënt.",
            TableKind::Adressen => {
                "De adresgeschiedenis: één rij per woon- of briefadres vanaf een datum."
            }
            TableKind::Beschikkingen => {
                "Eén rij per aanmelding met het besluit daarop. Een toegekende beschikking voor een product met wachtlijst zet de cliënt op de wachtlijst (aangemeld op de besluitdatum)."
            }
            TableKind::Wachtlijst => {
                "De statusgeschiedenis op de wachtlijst, per beschikking in volgorde van datum."
            }
            TableKind::Verblijven => {
                "Verblijven. Met een beschikking van een wachtlijstproduct is het verblijf de plaatsing vanuit de screening."
            }
            TableKind::Toegangsmeldingen => {
                "Meldingen bij de centrale toegang tot de opvang (Brede Centrale Toegang): één rij per signaal, traject of melding van dreigende dakloosheid, met de uitkomst als die er is. De melding hoort bij de centrale toegang van de regio die importeert (op de opdrachtregel: de regio van de inschrijvende gemeente); de gemeente van herkomst bepaalt zothuis zoals op het scherm, met de regel van de regio uit de adressen en de opgave."
            }
            TableKind::Voordrachten => {
                "Voordrachten voor een woning via het Pact voor uitstroom of een urgentieverklaring, met de toewijzing of intrekking en de nazorg; één rij per voordracht. Getoetst zoals op het scherm: de corporatie werkt in de regio van de gemeente, en een cliënt heeft hoogstens één lopende voordracht."
            }
            TableKind::PactAfspraken => {
                "Pact voor uitstroom: de woningen die een gemeente in een jaar via het Pact beschikbaar stelt, zoals afgesproken met de corporaties. Eén rij per gemeente en jaar; een afspraak voor een gemeente en jaar die al in zothuis staat, wordt vanaf de import vervangen (de vorige blijft in de geschiedenis). Alleen de wachtlijstbeheerder van de regio importeert deze tabel, voor gemeenten van de eigen regio."
            }
            TableKind::HovTrajecten => {
                "Huren Onder Voorwaarden: één rij per traject. De Wmo-consulent importeert de trajecten van woningen in de eigen gemeente, een aanbieder de trajecten die hij begeleidt. Een traject dat met dezelfde gemeente, huurder en startdatum al in zothuis staat, is een probleem."
            }
            TableKind::ZorgcoordinatieTrajecten => {
                "Zorgcoördinatie: één rij per traject. Rijen met hetzelfde persoonsnummer zijn één persoon; een persoon heeft hoogstens één open traject. Elk traject heeft minstens één melding in zorgcoordinatie-meldingen. Alleen het team zorgcoördinatie van de regio importeert dit register, voor gemeenten van de eigen regio."
            }
            TableKind::ZorgcoordinatieMeldingen => {
                "De meldingen bij de trajecten van zorgcoordinatie-trajecten, één rij per melding. Een melding valt binnen haar traject: op of na de startdatum en niet na het afsluiten."
            }
        }
    }

    /// The table for a file or sheet name (`Cliënten.csv`, `wachtlijst`,
    /// `Pact afspraken.xlsx`, `zorgcoördinatie_meldingen`, …).
    pub fn from_name(name: &str) -> Option<TableKind> {
        let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
        let stem = normalize_header(stem);
        Self::ALL
            .into_iter()
            .find(|k| normalize_header(k.name()) == stem)
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            TableKind::Clienten => {
                const CLIENTEN: &[Column] = &[
                    col(
                        "clientnummer",
                        true,
                        "Uw eigen nummer voor de cliënt; verbindt de bestanden. Uniek in het bestand.",
                    ),
                    col("voornaam", true, "Voornaam."),
                    col("achternaam", true, "Achternaam, met tussenvoegsel."),
                    col(
                        "geboortedatum",
                        true,
                        "Geboortedatum (jjjj-mm-dd of dd-mm-jjjj).",
                    ),
                    col("bsn", false, "Burgerservicenummer (elfproef); mag leeg."),
                    col("telefoon", false, "Telefoonnummer."),
                    col("email", false, "E-mailadres."),
                    col(
                        "afgeschermd",
                        false,
                        "ja voor een afgeschermde cliënt (bijvoorbeeld vrouwenopvang); anders nee of leeg.",
                    ),
                    col(
                        "gemeente",
                        true,
                        "Gemeentecode (GMxxxx) van de gemeente die de cliënt inschrijft.",
                    ),
                ];
                CLIENTEN
            }
            TableKind::Adressen => {
                const ADRESSEN: &[Column] = &[
                    col("clientnummer", true, "Het clientnummer uit clienten."),
                    col("soort", true, "woonadres, briefadres of geen."),
                    col(
                        "gemeente",
                        false,
                        "Gemeentecode van het adres; verplicht bij een woon- of briefadres.",
                    ),
                    col("adres", false, "Straat, huisnummer en plaats."),
                    col(
                        "instelling",
                        false,
                        "Leeg of geen; ggz-kliniek, detentie, jeugdzorg of bw-mo-voorziening als het adres een instelling is.",
                    ),
                    col("ingangsdatum", true, "Vanaf wanneer het adres geldt."),
                ];
                ADRESSEN
            }
            TableKind::Beschikkingen => {
                const BESCHIKKINGEN: &[Column] = &[
                    col("clientnummer", true, "Het clientnummer uit clienten."),
                    col(
                        "beschikkingsnummer",
                        true,
                        "Het nummer van de beschikking; uniek, verbindt wachtlijst en verblijven.",
                    ),
                    col("product", true, "Productcode zoals in zothuis."),
                    col(
                        "aanmeldgemeente",
                        false,
                        "Gemeentecode van de gemeente waar de cliënt zich meldde; leeg is de inschrijvende gemeente.",
                    ),
                    col("aanmelddatum", true, "Datum van de aanmelding."),
                    col(
                        "bron",
                        true,
                        "Wie meldde aan: zelf, netwerk, huisarts, ggz, ziekenhuis, politie, veilig-thuis, maatschappelijk-werk of anders.",
                    ),
                    col("uitkomst", true, "toegekend of afgewezen."),
                    col("besluitdatum", true, "Datum van het besluit."),
                    col(
                        "geldigVanaf",
                        false,
                        "Ingangsdatum; verplicht bij een toekenning.",
                    ),
                    col("geldigTot", false, "Einddatum, als die er is."),
                    col(
                        "verantwoordelijkeGemeente",
                        false,
                        "Leeg: zothuis bepaalt de verantwoordelijke gemeente met de regels van de regio. Ingevuld en anders dan die uitkomst: vastgelegd als afwijking, met het importbestand als reden.",
                    ),
                ];
                BESCHIKKINGEN
            }
            TableKind::Wachtlijst => {
                const WACHTLIJST: &[Column] = &[
                    col("beschikkingsnummer", true, "Het nummer uit beschikkingen."),
                    col(
                        "status",
                        true,
                        "aangemeld, actief-wachtend, passief-wachtend, in-screening, geplaatst of afgevoerd.",
                    ),
                    col("ingangsdatum", true, "Vanaf wanneer de status geldt."),
                    col(
                        "reden",
                        false,
                        "Bij passief-wachtend: niet-gemotiveerd, niet-plaatsbaar, klinische-opname of anders. Bij afgevoerd: wlz-indicatie, elders-geplaatst, niet-meer-nodig, vertrokken, overleden, geen-contact of anders.",
                    ),
                    col(
                        "aanbieder",
                        false,
                        "Bij in-screening: AGB-code of naam van de aanbieder.",
                    ),
                    col("toelichting", false, "Notitie bij de overgang."),
                    col(
                        "screeningUitkomst",
                        false,
                        "Bij in-screening die niet tot plaatsing leidde: geaccepteerd of afgewezen.",
                    ),
                    col(
                        "afgewezenDoor",
                        false,
                        "Bij een afgewezen screening: client of aanbieder.",
                    ),
                    col(
                        "redenAfwijzing",
                        false,
                        "Bij een afgewezen screening: zorgzwaarte-te-hoog, zorgzwaarte-te-laag, geen-passend-aanbod, veiligheid, groepssamenstelling, niet-gemotiveerd, locatie of anders.",
                    ),
                    col(
                        "datumUitkomst",
                        false,
                        "Datum van de uitkomst; leeg is de datum van de volgende status.",
                    ),
                ];
                WACHTLIJST
            }
            TableKind::Verblijven => {
                const VERBLIJVEN: &[Column] = &[
                    col("clientnummer", true, "Het clientnummer uit clienten."),
                    col(
                        "beschikkingsnummer",
                        false,
                        "De beschikking waarop het verblijf volgt; verplicht voor een product met wachtlijst.",
                    ),
                    col(
                        "product",
                        false,
                        "Productcode; leeg is het product van de beschikking.",
                    ),
                    col(
                        "aanbieder",
                        false,
                        "AGB-code of naam; leeg is de aanbieder van de screening.",
                    ),
                    col(
                        "locatie",
                        false,
                        "Naam van de locatie; leeg voor een product dat thuis wordt geleverd.",
                    ),
                    col("startdatum", true, "Eerste dag van het verblijf."),
                    col(
                        "einddatum",
                        false,
                        "Dag van vertrek, als het verblijf is geëindigd.",
                    ),
                    col(
                        "uitstroom",
                        false,
                        "Bij een einddatum: zelfstandig, zelfstandig-pact, beschermd-thuis, andere-voorziening, wlz, kliniek, detentie, familie-vrienden, onbekend, overleden of buiten-regio.",
                    ),
                    col(
                        "verantwoordelijkeGemeente",
                        false,
                        "Zonder beschikking: de gemeentecode die verantwoordelijk is; leeg is de inschrijvende gemeente.",
                    ),
                    col(
                        "financieringsvorm",
                        false,
                        "zin (zorg in natura) of pgb; leeg is zin.",
                    ),
                    col(
                        "zorgzwaarte",
                        false,
                        "Niveau 1 tot en met 9 volgens het contract van de regio; leeg is geen niveau.",
                    ),
                ];
                VERBLIJVEN
            }
            TableKind::Toegangsmeldingen => {
                const TOEGANGSMELDINGEN: &[Column] = &[
                    col("clientnummer", true, "Het clientnummer uit clienten."),
                    col("soort", true, "signaal, traject of dreigend-dakloos."),
                    col(
                        "meldingsdatum",
                        true,
                        "Datum van de melding; niet in de toekomst.",
                    ),
                    col(
                        "herkomstOpgegeven",
                        false,
                        "Gemeentecode van de gemeente waar de persoon zegt vandaan te komen. Welke herkomst telt, bepaalt de regel van de regio (laatst geregistreerde adres of opgave).",
                    ),
                    col(
                        "uitkomst",
                        false,
                        "Leeg zolang de melding loopt; een signaal heeft geen uitkomst. Een traject eindigt in toegang-opvang, zelfredzaam of beeindigd; dreigend-dakloos in woning-behouden, dakloos-geworden, doorverwezen of beeindigd.",
                    ),
                    col(
                        "uitkomstdatum",
                        false,
                        "Datum van de uitkomst; verplicht bij een uitkomst.",
                    ),
                    col(
                        "terugverwezenNaar",
                        false,
                        "Bij zelfredzaam: gemeentecode van de gemeente waarnaar de persoon is terugverwezen; leeg is de gemeente van herkomst.",
                    ),
                    col(
                        "redenEinde",
                        false,
                        "Bij beeindigd: teruggetrokken, niet-verschenen, elders-opgevangen, buiten-doelgroep of overig.",
                    ),
                    col("toelichting", false, "Notitie bij de melding."),
                ];
                TOEGANGSMELDINGEN
            }
            TableKind::Voordrachten => {
                const VOORDRACHTEN: &[Column] = &[
                    col("clientnummer", true, "Het clientnummer uit clienten."),
                    col("route", true, "pact of urgentie."),
                    col(
                        "uitstroomUit",
                        true,
                        "Waaruit de persoon uitstroomt: bw, mo, vo, detentie of anders.",
                    ),
                    col(
                        "beschikkingsnummer",
                        false,
                        "De beschikking uit beschikkingen van het verblijf dat de persoon verlaat: de voordracht verwijst naar het verblijf op die beschikking in verblijven (bij meer verblijven: het laatste dat op of vóór de voordrachtdatum begon). Leeg als zothuis het verblijf niet kent.",
                    ),
                    col(
                        "voordrachtdatum",
                        true,
                        "Datum van de voordracht; niet in de toekomst.",
                    ),
                    col(
                        "gemeente",
                        true,
                        "Gemeentecode van de gemeente waar een woning wordt gezocht; een gemeente van uw regio.",
                    ),
                    col(
                        "corporatie",
                        false,
                        "Naam van een corporatie van de regio, zoals in zothuis: waaraan de kandidaat is voorgedragen, of die de woning toewees.",
                    ),
                    col(
                        "adresgemeente",
                        false,
                        "Bij een toewijzing: gemeentecode van de gemeente waar de woning ligt. Een toewijzing heeft corporatie, adresgemeente en sleuteldatum.",
                    ),
                    col(
                        "sleuteldatum",
                        false,
                        "Bij een toewijzing: de dag van de sleuteloverdracht (mag gepland zijn).",
                    ),
                    col(
                        "ingetrokkenOp",
                        false,
                        "Datum van intrekking, als de voordracht is ingetrokken; niet samen met een toewijzing.",
                    ),
                    col(
                        "redenIntrekking",
                        false,
                        "Bij intrekking: niet-meer-nodig, elders-gehuisvest, woning-geweigerd, niet-bemiddelbaar, zorg-beeindigd of overig.",
                    ),
                    col(
                        "nazorgAanbieder",
                        false,
                        "Na de sleuteloverdracht: AGB-code of naam van de aanbieder van de nazorg.",
                    ),
                    col(
                        "nazorgVanaf",
                        false,
                        "Begin van de nazorg; verplicht bij een aanbieder van nazorg.",
                    ),
                    col(
                        "nazorgTot",
                        false,
                        "Einde van de nazorg, als die is geëindigd.",
                    ),
                    col(
                        "wonen",
                        false,
                        "Na de sleuteloverdracht, hoe het wonen verloopt: gehuisvest, verhuisd, uitgezet, terug-in-zorg, overleden of uit-beeld.",
                    ),
                    col(
                        "wonenPer",
                        false,
                        "De datum waarop het wonen zo verliep; verplicht bij wonen.",
                    ),
                    col("toelichting", false, "Notitie bij de voordracht."),
                ];
                VOORDRACHTEN
            }
            TableKind::PactAfspraken => {
                const PACT: &[Column] = &[
                    col(
                        "gemeente",
                        true,
                        "Gemeentecode (GMxxxx) van een gemeente van uw regio.",
                    ),
                    col("jaar", true, "Het jaar van de afspraak, bijvoorbeeld 2026."),
                    col(
                        "woningen",
                        true,
                        "Het aantal woningen: een geheel getal van 0 of meer.",
                    ),
                    col("toelichting", false, "Notitie bij de afspraak."),
                ];
                PACT
            }
            TableKind::HovTrajecten => {
                const HOV: &[Column] = &[
                    col(
                        "gemeente",
                        true,
                        "Gemeentecode van de gemeente waar de woning staat (die de procesregie heeft).",
                    ),
                    col(
                        "huurder",
                        true,
                        "Alleen wat nodig is om de huurder te herkennen: naam of initialen (hoogstens 120 tekens).",
                    ),
                    col(
                        "corporatie",
                        true,
                        "Naam van de woningcorporatie van het convenant, zoals in zothuis: een corporatie van de regio van de gemeente (hoofdletters tellen niet).",
                    ),
                    col(
                        "aanbieder",
                        false,
                        "De begeleidende aanbieder: het id, de AGB-code of precies de naam zoals in zothuis; leeg als er geen is. Een aanbieder importeert alleen trajecten die hij zelf begeleidt.",
                    ),
                    col(
                        "aanleiding",
                        true,
                        "huurachterstand, overlast, vervuiling, uitstroom, tweede-kans of anders.",
                    ),
                    col(
                        "startdatum",
                        true,
                        "Begin van het traject; niet in de toekomst.",
                    ),
                    col(
                        "einddatum",
                        false,
                        "Einde van het traject, als het is geëindigd; dan ook het eindresultaat.",
                    ),
                    col(
                        "eindresultaat",
                        false,
                        "Bij een einddatum: huur-op-naam, regulier, voortijdig, verhuisd, huisuitzetting, zorg, overleden of anders.",
                    ),
                    col("toelichting", false, "Notitie bij het traject."),
                ];
                HOV
            }
            TableKind::ZorgcoordinatieTrajecten => {
                const TRAJECTEN: &[Column] = &[
                    col(
                        "trajectnummer",
                        true,
                        "Uw eigen nummer voor het traject; verbindt de meldingen. Uniek in het bestand.",
                    ),
                    col(
                        "persoonsnummer",
                        false,
                        "Uw eigen nummer voor de persoon: trajecten met hetzelfde persoonsnummer horen bij één persoon. Leeg: een nieuwe persoon voor dit traject.",
                    ),
                    col(
                        "gemeente",
                        true,
                        "Gemeentecode van de gemeente waar de persoon woont of verblijft; een gemeente van uw regio.",
                    ),
                    col(
                        "persoon",
                        true,
                        "Alleen wat nodig is om de persoon te herkennen: naam of initialen, of een korte omschrijving (hoogstens 120 tekens).",
                    ),
                    col(
                        "startdatum",
                        true,
                        "Begin van het traject; niet in de toekomst.",
                    ),
                    col(
                        "afgeslotenOp",
                        false,
                        "Datum van afsluiten, als het traject is afgesloten; dan ook de uitkomst.",
                    ),
                    col(
                        "uitkomst",
                        false,
                        "Bij afsluiten: toegeleid, opvang, geen-zorg-nodig, zorgmijdend, uit-beeld, overleden of anders.",
                    ),
                    col("toelichting", false, "Notitie bij het traject."),
                ];
                TRAJECTEN
            }
            TableKind::ZorgcoordinatieMeldingen => {
                const MELDINGEN: &[Column] = &[
                    col(
                        "trajectnummer",
                        true,
                        "Het trajectnummer uit zorgcoordinatie-trajecten.",
                    ),
                    col(
                        "meldingsdatum",
                        true,
                        "Datum van de melding; binnen het traject en niet in de toekomst.",
                    ),
                    col(
                        "bron",
                        true,
                        "Van wie de melding komt: buren, familie, politie, corporatie, huisarts, ggz, wijkteam, gemeente, zelf of anders.",
                    ),
                ];
                MELDINGEN
            }
        }
    }
}

/// One row of a table, with its line number in the file (the header is line 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// A table as read from a file or sheet, before validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub kind: TableKind,
    /// The file or sheet it came from, for messages.
    pub source: String,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// A problem found in the input, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub source: String,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn file(source: &str, message: impl Into<String>) -> Problem {
        Problem {
            source: source.to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(l) = self.line {
            write!(f, ", regel {l}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", kolom {c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Header (and table) names compare without case, spaces, underscores,
/// hyphens or diaereses, so `Geldig vanaf`, `geldig_vanaf` and `geldigVanaf`
/// are one column, `Zorgcoördinatie meldingen` and
/// `zorgcoordinatie-meldingen` one table.
pub fn normalize_header(h: &str) -> String {
    h.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '\u{feff}'))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ë' => 'e',
            'ö' => 'o',
            c => c,
        })
        .collect()
}

/// Coded values compare in lower case with spaces as hyphens
/// (`Actief wachtend` is `actief-wachtend`).
pub(crate) fn normalize_code(v: &str) -> String {
    v.trim()
        .to_lowercase()
        .replace(['_', ' '], "-")
        .replace('ë', "e")
}

/// A table checked against its columns: cells by documented name.
pub(crate) struct Checked<'a> {
    pub table: &'a Table,
    index: HashMap<&'static str, usize>,
    /// Documented name → the header as written, for messages.
    written: HashMap<&'static str, String>,
}

impl<'a> Checked<'a> {
    /// Checks the header: unknown columns and missing required columns are
    /// problems (an unknown column would otherwise be silently dropped).
    pub fn new(table: &'a Table, problems: &mut Vec<Problem>) -> Option<Checked<'a>> {
        let columns = table.kind.columns();
        let mut index = HashMap::new();
        let mut written = HashMap::new();
        let mut ok = true;
        for (i, h) in table.header.iter().enumerate() {
            let n = normalize_header(h);
            if n.is_empty() {
                continue;
            }
            match columns.iter().find(|c| normalize_header(c.name) == n) {
                Some(c) => {
                    if index.insert(c.name, i).is_some() {
                        problems.push(Problem {
                            column: Some(h.clone()),
                            ..Problem::file(&table.source, "deze kolom staat er twee keer in")
                        });
                        ok = false;
                    }
                    written.insert(c.name, h.trim().to_string());
                }
                None => {
                    let known: Vec<_> = columns.iter().map(|c| c.name).collect();
                    problems.push(Problem {
                        column: Some(h.clone()),
                        ..Problem::file(
                            &table.source,
                            format!(
                                "onbekende kolom; de kolommen van {} zijn: {}",
                                table.kind.name(),
                                known.join(", ")
                            ),
                        )
                    });
                    ok = false;
                }
            }
        }
        for c in columns.iter().filter(|c| c.required) {
            if !index.contains_key(c.name) {
                problems.push(Problem::file(
                    &table.source,
                    format!("de verplichte kolom {} ontbreekt", c.name),
                ));
                ok = false;
            }
        }
        ok.then_some(Checked {
            table,
            index,
            written,
        })
    }

    /// The trimmed cell of a documented column ("" when absent).
    pub fn get<'r>(&self, row: &'r Row, column: &str) -> &'r str {
        self.index
            .get(column)
            .and_then(|i| row.cells.get(*i))
            .map_or("", |s| s.trim())
    }

    pub fn opt<'r>(&self, row: &'r Row, column: &str) -> Option<&'r str> {
        Some(self.get(row, column)).filter(|s| !s.is_empty())
    }

    /// A problem in one cell.
    pub fn problem(&self, row: &Row, column: &str, message: impl Into<String>) -> Problem {
        Problem {
            source: self.table.source.clone(),
            line: Some(row.line),
            column: Some(
                self.written
                    .get(column)
                    .cloned()
                    .unwrap_or_else(|| column.to_string()),
            ),
            message: message.into(),
        }
    }

    /// A problem with a row as a whole.
    pub fn row_problem(&self, row: &Row, message: impl Into<String>) -> Problem {
        Problem {
            source: self.table.source.clone(),
            line: Some(row.line),
            column: None,
            message: message.into(),
        }
    }
}

/// The import documentation (docs/import.md), generated from the column
/// definitions so that the documentation and the checks never differ.
pub fn documentation() -> String {
    let mut md = String::from(
        "# Importeren uit spreadsheets\n\n\
         <!-- Gegenereerd uit crates/zothuis-domain/src/import/mod.rs; wijzig daar en draai \
         `ZOTHUIS_UPDATE_DOCS=1 cargo nextest run -p zothuis import_documentation`. -->\n\n\
         Regio's houden hun wachtlijst, verblijven en registers vaak bij in Excel. Met een import \
         brengt u die geschiedenis in één keer over naar zothuis: cliënten, adressen, beschikkingen, de \
         statusgeschiedenis op de wachtlijst, verblijven, meldingen bij de centrale toegang tot de opvang \
         en voordrachten voor uitstroom, met ingangsdata in het verleden; en de registers zonder cliënten: afspraken van het Pact voor uitstroom, trajecten van Huren Onder \
         Voorwaarden (HOV) en de trajecten en meldingen van zorgcoördinatie.\n\n\
         ## Wie importeert wat\n\n\
         Elke tabel wordt geïmporteerd door wie haar ook op de schermen bijhoudt, met dezelfde regels:\n\n\
         | Tabellen | Wie |\n|---|---|\n\
         | `clienten`, `adressen`, `beschikkingen`, `wachtlijst`, `verblijven`, `toegangsmeldingen`, `voordrachten` | de wachtlijstbeheerder, voor de eigen regio; de operator op de opdrachtregel voor elke regio |\n\
         | `pact-afspraken` | de wachtlijstbeheerder, voor gemeenten van de eigen regio |\n\
         | `hov-trajecten` | de Wmo-consulent, voor woningen in de eigen gemeente; een aanbieder, voor de trajecten die hij begeleidt |\n\
         | `zorgcoordinatie-trajecten`, `zorgcoordinatie-meldingen` | alleen het team zorgcoördinatie, voor gemeenten van de eigen regio |\n\n\
         Een tabel die u niet mag importeren, is een probleem met de naam van de tabel; mag u geen \
         enkele tabel uit de bestanden importeren, dan wordt de import geweigerd. Elke regel van een \
         register wordt bovendien getoetst zoals op het scherm: een HOV-traject voor een woning in een \
         andere gemeente is voor de consulent een probleem op die regel. De operator importeert op de \
         opdrachtregel alleen cliënten; de registers importeert hun eigenaar via de webpagina of de API.\n\n\
         ## Zo werkt het\n\n\
         - **Opdrachtregel:** `zothuis import [--dry-run] [--toegang GEBRUIKER] bestanden…`. \
         Met `--dry-run` controleert zothuis alles en schrijft niets. Een voortgangsbalk toont het \
         schrijven. Afsluitcode 0 bij succes, 1 als er problemen zijn.\n\
         - **Webpagina:** *Importeren* in het menu van wie een van de tabellen mag importeren, \
         met de keuze *Alleen controleren*. De pagina toont de tabellen die u mag importeren.\n\
         - **API:** `POST /api/v1/importen` met `multipart/form-data` (velden `bestanden` en \
         `alleenControleren`); problemen komen terug als `application/problem+json` (422) met de lijst \
         `problemen`.\n\n\
         ## Regels\n\n\
         - **Alles of niets.** zothuis controleert eerst elke regel en kolom van elk bestand en meldt \
         elk probleem met bestand, regel en kolom. Pas als er geen enkel probleem is, wordt alles in één \
         transactie opgeslagen; gaat daarbij iets mis, dan wordt niets opgeslagen.\n\
         - **Bestanden.** CSV (UTF-8 of Windows-1252 zoals Excel het bewaart; scheidingsteken `;`, `,` \
         of tab) of een Excel-werkboek (.xlsx). De naam van het bestand of werkblad bepaalt de tabel. \
         De eerste regel bevat de kolomnamen; hoofdletters, spaties en liggende streepjes tellen niet mee. \
         Onbekende kolommen en werkbladen zijn een probleem, zodat er nooit ongemerkt gegevens wegvallen.\n\
         - **Datums** als jjjj-mm-dd of dd-mm-jjjj; codes zoals in de lijsten hieronder (hoofdletters en \
         spaties mogen: `Actief wachtend` is `actief-wachtend`).\n\
         - **Alleen nieuwe gegevens.** Een BSN of beschikkingsnummer dat al in zothuis staat, is een \
         probleem; zo wordt een bestand niet twee keer ingelezen. Zo ook een HOV-traject of een traject \
         van zorgcoördinatie met dezelfde gemeente, huurder of persoon en startdatum als een traject \
         dat u al in zothuis ziet.\n\
         - **De wachtlijst** volgt dezelfde toestandsmachine als het scherm: een toegekende beschikking \
         voor een product met wachtlijst opent de inschrijving als *aangemeld* op de besluitdatum; de \
         regels in `wachtlijst` volgen daarop in volgorde van datum. Na *in-screening* volgt *geplaatst* \
         (via een verblijf) of, met de uitkomst van de screening, weer een wachtstatus.\n\
         - **Verantwoordelijke gemeente.** zothuis bepaalt die voor elke beschikking met de regels van de \
         regio op de besluitdatum, uit de geïmporteerde adresgeschiedenis. Staat in het bestand een andere \
         gemeente, dan wordt die vastgelegd als afwijking met het bestand en de regel als reden.\n\
         - **Gemeente van herkomst.** Bij een melding bij de centrale toegang bepaalt zothuis de herkomst \
         zoals het scherm: met de regel van de regio (laatst geregistreerde adres of opgave) uit de \
         geïmporteerde adresgeschiedenis op de meldingsdatum en de opgegeven herkomst.\n\
         - **Voordrachten** worden getoetst zoals op het scherm: de corporatie (op naam) werkt in de regio \
         van de gemeente, de wachtlijstbeheerder draagt voor en wijst toe in de eigen regio, en een cliënt \
         heeft hoogstens één lopende voordracht (op vandaag nog geen sleutel en niet ingetrokken). Met een beschikkingsnummer verwijst de voordracht naar \
         het verblijf op die beschikking in `verblijven`: het verblijf dat de persoon verlaat.\n\
         - **Privacy.** Elke geïmporteerde cliënt krijgt een regel in het auditlog, de import zelf ook. \
         Afgeschermde cliënten zijn alleen zichtbaar voor de importerende gebruiker, of voor de gebruiker \
         die met `--toegang` is genoemd. Elke geïmporteerde melding bij de centrale toegang en elke \
         voordracht krijgt een eigen regel in het auditlog bij de cliënt, met wat het scherm ook vastlegt \
         (zonder de toelichting). Elke geïmporteerde Pact-afspraak, elk HOV-traject en elk traject en elke \
         melding van zorgcoördinatie krijgt een eigen regel in het auditlog, zonder de huurder, de persoon of de toelichting.\n\n\
         Een volledig voorbeeld van de cliënten, met meldingen bij de centrale toegang en voordrachten, \
         staat in `docs/import/voorbeeld/`; voorbeelden van de \
         registers staan in `docs/import/voorbeeld-registers/` (elk te importeren door de eigenaar van \
         het register).\n",
    );
    for k in TableKind::ALL {
        md.push_str(&format!(
            "\n## {}\n\n{}\n\n| Kolom | Verplicht | Inhoud |\n|---|---|---|\n",
            k.name(),
            k.description()
        ));
        for c in k.columns() {
            md.push_str(&format!(
                "| `{}` | {} | {} |\n",
                c.name,
                if c.required { "ja" } else { "nee" },
                c.description
            ));
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_named_after_their_file_or_sheet() {
        assert_eq!(
            TableKind::from_name("/tmp/Cliënten.csv"),
            Some(TableKind::Clienten)
        );
        assert_eq!(
            TableKind::from_name("wachtlijst"),
            Some(TableKind::Wachtlijst)
        );
        assert_eq!(TableKind::from_name("overig.csv"), None);
        assert_eq!(
            TableKind::from_name("Pact afspraken.csv"),
            Some(TableKind::PactAfspraken)
        );
        assert_eq!(
            TableKind::from_name("zorgcoördinatie_meldingen"),
            Some(TableKind::ZorgcoordinatieMeldingen)
        );
        assert_eq!(
            TableKind::from_name("HOV-trajecten.CSV"),
            Some(TableKind::HovTrajecten)
        );
        assert_eq!(
            TableKind::from_name("Toegangsmeldingen.xlsx"),
            Some(TableKind::Toegangsmeldingen)
        );
        assert_eq!(
            TableKind::from_name("voordrachten"),
            Some(TableKind::Voordrachten)
        );
    }

    #[test]
    fn the_registers_columns_name_every_code_of_their_lists() {
        use crate::outflow::{HousingOutcome, OutflowFrom, OutflowRoute, WithdrawalReason};
        use crate::outreach::{ReportSource, TrajectoryOutcome};
        use crate::shelter::{EndReason, RegistrationKind};
        use crate::tenancy::{TenancyReason, TenancyResult};
        let described = |kind: TableKind, column: &str| {
            kind.columns()
                .iter()
                .find(|c| c.name == column)
                .map(|c| c.description)
                .unwrap()
        };
        let lists: [(TableKind, &str, Vec<&str>); 10] = [
            (
                TableKind::HovTrajecten,
                "aanleiding",
                TenancyReason::ALL.iter().map(|c| c.code()).collect(),
            ),
            (
                TableKind::HovTrajecten,
                "eindresultaat",
                TenancyResult::ALL.iter().map(|c| c.code()).collect(),
            ),
            (
                TableKind::ZorgcoordinatieTrajecten,
                "uitkomst",
                TrajectoryOutcome::ALL.iter().map(|c| c.code()).collect(),
            ),
            (
                TableKind::ZorgcoordinatieMeldingen,
                "bron",
                ReportSource::ALL.iter().map(|c| c.code()).collect(),
            ),
            (
                TableKind::Toegangsmeldingen,
                "soort",
                RegistrationKind::ALL.iter().map(|c| c.code()).collect(),
            ),
            (
                TableKind::Toegangsmeldingen,
                "redenEinde",
                EndReason::ALL.iter().map(|c| c.code()).collect(),
            ),
            (
                TableKind::Voordrachten,
                "route",
                OutflowRoute::ALL.iter().map(|c| c.code()).collect(),
            ),
            (
                TableKind::Voordrachten,
                "uitstroomUit",
                OutflowFrom::ALL.iter().map(|c| c.code()).collect(),
            ),
            (
                TableKind::Voordrachten,
                "redenIntrekking",
                WithdrawalReason::ALL.iter().map(|c| c.code()).collect(),
            ),
            (
                TableKind::Voordrachten,
                "wonen",
                HousingOutcome::ALL.iter().map(|c| c.code()).collect(),
            ),
        ];
        for (kind, column, codes) in lists {
            let text = described(kind, column);
            let listed: Vec<&str> = text
                .split(|c: char| !(c.is_alphanumeric() || c == '-'))
                .filter(|w| codes.contains(w))
                .collect();
            assert_eq!(listed, codes, "{} {column}: {text}", kind.name());
        }
    }

    #[test]
    fn headers_compare_loosely_and_unknown_or_missing_columns_are_named() {
        let table = Table {
            kind: TableKind::Adressen,
            source: "adressen.csv".into(),
            header: vec!["Client nummer".into(), "Soort".into(), "straat".into()],
            rows: vec![],
        };
        let mut problems = vec![];
        assert!(Checked::new(&table, &mut problems).is_none());
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(text[0].starts_with("adressen.csv, kolom straat: onbekende kolom"));
        assert_eq!(
            text[1],
            "adressen.csv: de verplichte kolom ingangsdatum ontbreekt"
        );
        assert_eq!(problems.len(), 2);
    }
}
