//! The indicator catalogue: every figure zothuis reports, with its Dutch
//! name, the definition shown next to it, its unit and whether it is counted
//! on a peildatum or over a period. The computations are in `engine`.

/// How an indicator is measured in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// On one day (peildatum).
    Peildatum,
    /// Over a period, both days included.
    Periode,
}

impl Timing {
    pub fn code(self) -> &'static str {
        match self {
            Timing::Peildatum => "peildatum",
            Timing::Periode => "periode",
        }
    }
}

/// What a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Personen,
    Plaatsingen,
    Verblijven,
    Plaatsen,
    Dagen,
    Procent,
    Woningen,
    Trajecten,
    Meldingen,
}

impl Unit {
    pub fn code(self) -> &'static str {
        match self {
            Unit::Personen => "personen",
            Unit::Plaatsingen => "wachtlijstplaatsingen",
            Unit::Verblijven => "verblijven",
            Unit::Plaatsen => "plaatsen",
            Unit::Dagen => "dagen",
            Unit::Procent => "procent",
            Unit::Woningen => "woningen",
            Unit::Trajecten => "trajecten",
            Unit::Meldingen => "meldingen",
        }
    }
}

/// A breakdown (uitsplitsing) or filter dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// The responsible municipality (for capacity: where the location is).
    Gemeente,
    /// The municipality of residence: where the person applied.
    Woongemeente,
    Product,
    Aanbieder,
    Locatie,
    /// The reason of a passive status or of a removal from the list.
    Reden,
    /// Where clients went when their stay ended.
    Bestemming,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::Gemeente,
        Dimension::Woongemeente,
        Dimension::Product,
        Dimension::Aanbieder,
        Dimension::Locatie,
        Dimension::Reden,
        Dimension::Bestemming,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Dimension::Gemeente => "gemeente",
            Dimension::Woongemeente => "woongemeente",
            Dimension::Product => "product",
            Dimension::Aanbieder => "aanbieder",
            Dimension::Locatie => "locatie",
            Dimension::Reden => "reden",
            Dimension::Bestemming => "bestemming",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Dimension::Gemeente => "Gemeente",
            Dimension::Woongemeente => "Woongemeente",
            Dimension::Product => "Product",
            Dimension::Aanbieder => "Aanbieder",
            Dimension::Locatie => "Locatie",
            Dimension::Reden => "Reden",
            Dimension::Bestemming => "Bestemming",
        }
    }

    /// What the dimension means, shown with the breakdown.
    pub fn definition(self) -> &'static str {
        match self {
            // Under the centrumgemeente regime (Wmo 2015 art. 1.2.1 b,
            // DESIGN.md "Responsible municipality") the centrumgemeente is
            // responsible for everyone who turns to it, so the responsible
            // municipality says nothing about where people live. The
            // application is registered by the Wmo-consulent of the person's
            // own municipality (DESIGN.md "Who uses it"), so its municipality
            // is where the person lives: the rule of the waiting list
            // (`WaitlistLine::residence`), with the same fallback.
            Dimension::Woongemeente => {
                "De gemeente waar de persoon woont: de gemeente van de aanvraag (bij de Wmo-consulent van de eigen gemeente) die leidde tot de beschikking achter de wachtlijstplaatsing of het verblijf, zoals ook de wachtlijst die gebruikt. Een overplaatsing houdt de woongemeente van het verblijf ervoor; zonder bekende aanvraag telt de verantwoordelijke gemeente. Onder het centrumgemeenteregime (Wmo 2015 art. 1.2.1 b) is de verantwoordelijke gemeente voor iedereen de centrumgemeente; de woongemeente laat zien waar de inwoners wonen."
            }
            Dimension::Gemeente => {
                "De verantwoordelijke gemeente volgens de beschikking (woonplaatsbeginsel of centrumgemeenteregime); bij capaciteit de gemeente waar de locatie staat."
            }
            Dimension::Product => {
                "Het product (de voorziening) van de beschikking of het verblijf."
            }
            Dimension::Aanbieder => "De zorgaanbieder van het verblijf of van de screening.",
            Dimension::Locatie => "De locatie van het verblijf.",
            Dimension::Reden => {
                "De reden van passief wachten of van afvoeren van de wachtlijst; bij uitstroom: waaruit de persoon uitstroomt (beschermd wonen, maatschappelijke opvang, vrouwenopvang, detentie of een andere instelling); bij Huren Onder Voorwaarden: de aanleiding van het traject."
            }
            Dimension::Bestemming => {
                "Waar de cliënt heen ging toen het verblijf eindigde; bij Huren Onder Voorwaarden: het eindresultaat van het traject."
            }
        }
    }

    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == s.trim())
    }
}

macro_rules! catalogue {
    ($( $v:ident => {
        id: $id:literal,
        name: $name:literal,
        unit: $unit:ident,
        timing: $timing:ident,
        dimensions: [$($dim:ident),*],
        definition: $def:literal $(,)?
    } ),+ $(,)?) => {
        /// Every indicator zothuis computes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum IndicatorId { $( $v ),+ }

        impl IndicatorId {
            pub const ALL: &'static [IndicatorId] = &[$( IndicatorId::$v ),+];

            pub fn info(self) -> Indicator {
                match self {
                    $( IndicatorId::$v => Indicator {
                        id: self,
                        code: $id,
                        name: $name,
                        unit: Unit::$unit,
                        timing: Timing::$timing,
                        dimensions: &[$( Dimension::$dim ),*],
                        definition: $def,
                    } ),+
                }
            }
        }
    };
}

/// An indicator as users see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Indicator {
    pub id: IndicatorId,
    pub code: &'static str,
    pub name: &'static str,
    pub unit: Unit,
    pub timing: Timing,
    /// The dimensions it can be broken down by and filtered on.
    pub dimensions: &'static [Dimension],
    pub definition: &'static str,
}

impl IndicatorId {
    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn parse(s: &str) -> Option<IndicatorId> {
        IndicatorId::ALL
            .iter()
            .copied()
            .find(|i| i.code() == s.trim())
    }
}

/// The indicators of the Pact voor uitstroom: nominations and agreements,
/// none with a product.
pub const OUTFLOW: [IndicatorId; 12] = [
    IndicatorId::UitstroomVoordrachten,
    IndicatorId::UitstroomWachtend,
    IndicatorId::UitstroomGehuisvest,
    IndicatorId::PactWoningenGerealiseerd,
    IndicatorId::PactWoningenAfspraak,
    IndicatorId::PactRealisatie,
    IndicatorId::UitstroomWachttijdMediaan,
    IndicatorId::UitstroomWachttijdGemiddeld,
    IndicatorId::UitstroomBinnenNorm,
    IndicatorId::Nazorg,
    IndicatorId::WoonbehoudTwaalf,
    IndicatorId::WoonbehoudVierentwintig,
];

/// The indicators of zorgcoördinatie: trajectories and meldingen, without
/// a product.
pub const OUTREACH: [IndicatorId; 5] = [
    IndicatorId::ZorgcoordinatieTrajecten,
    IndicatorId::ZorgcoordinatieMeldingen,
    IndicatorId::ZorgcoordinatieAfgesloten,
    IndicatorId::ZorgcoordinatieOpen,
    IndicatorId::ZorgcoordinatieBegeleid,
];

/// The indicators of Huren Onder Voorwaarden, without a product.
pub const TENANCY: [IndicatorId; 5] = [
    IndicatorId::HovTrajecten,
    IndicatorId::HovLopend,
    IndicatorId::HovAfgesloten,
    IndicatorId::HovHuisuitzettingen,
    IndicatorId::HovGeslaagd,
];

/// A return counts when a new stay starts at most this many days after the
/// exit: HUD System Performance Measure 2 (returns to homelessness after exits
/// to permanent housing) counts "within 24 months" as within 730 days of the
/// exit date, not in calendar months. The exit day plus 730 still counts.
pub const RETURN_WINDOW_DAYS: i32 = 730;
/// A first-time entrant had no stay that ended within this many days before
/// the start: HUD System Performance Measure 5 (first-time homeless) looks back
/// 24 months as 730 days, the same window as measure 2.
pub const LOOKBACK_DAYS: i32 = 730;

// Definitions follow the waiting-list states of zothuis (DESIGN.md "Access
// and waiting list"); returns within 24 months follow HUD System Performance
// Measure 2 (returns to homelessness after exits to permanent housing).
catalogue! {
    WachtendTotaal => {
        id: "wachtend-totaal",
        name: "Wachtenden",
        unit: Plaatsingen,
        timing: Peildatum,
        dimensions: [Gemeente, Woongemeente, Product],
        definition: "Wachtlijstplaatsingen die op de peildatum openstaan: aangemeld, actief wachtend, passief wachtend of in screening. Een cliënt met twee beschikkingen op de wachtlijst telt twee keer.",
    },
    WachtendActief => {
        id: "wachtend-actief",
        name: "Actief wachtend",
        unit: Plaatsingen,
        timing: Peildatum,
        dimensions: [Gemeente, Woongemeente, Product],
        definition: "Wachtlijstplaatsingen met de status actief wachtend op de peildatum: de cliënt kan worden voorgesteld voor een vrije plek.",
    },
    WachtendPassief => {
        id: "wachtend-passief",
        name: "Passief wachtend",
        unit: Plaatsingen,
        timing: Peildatum,
        dimensions: [Gemeente, Woongemeente, Product, Reden],
        definition: "Wachtlijstplaatsingen met de status passief wachtend op de peildatum (bijvoorbeeld tijdens een klinische opname), uit te splitsen naar de reden.",
    },
    WachtendAangemeld => {
        id: "wachtend-aangemeld",
        name: "Aangemeld",
        unit: Plaatsingen,
        timing: Peildatum,
        dimensions: [Gemeente, Woongemeente, Product],
        definition: "Wachtlijstplaatsingen die op de peildatum zijn aangemeld maar nog niet actief wachten. Aangemeld, actief, passief en in screening tellen samen op tot de wachtenden.",
    },
    InScreening => {
        id: "in-screening",
        name: "In screening",
        unit: Plaatsingen,
        timing: Peildatum,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder],
        definition: "Wachtlijstplaatsingen die op de peildatum bij een aanbieder in screening zijn.",
    },
    WachttijdMediaan => {
        id: "wachttijd-mediaan",
        name: "Wachttijd (mediaan)",
        unit: Dagen,
        timing: Peildatum,
        dimensions: [Gemeente, Woongemeente, Product],
        definition: "De mediaan van het aantal dagen dat de wachtenden op de peildatum wachten, geteld vanaf de datum van de beschikking.",
    },
    WachttijdGemiddeld => {
        id: "wachttijd-gemiddeld",
        name: "Wachttijd (gemiddeld)",
        unit: Dagen,
        timing: Peildatum,
        dimensions: [Gemeente, Woongemeente, Product],
        definition: "Het gemiddelde aantal dagen dat de wachtenden op de peildatum wachten, geteld vanaf de datum van de beschikking.",
    },
    WachttijdMaximum => {
        id: "wachttijd-maximum",
        name: "Wachttijd (langste)",
        unit: Dagen,
        timing: Peildatum,
        dimensions: [Gemeente, Woongemeente, Product],
        definition: "Het grootste aantal dagen dat iemand op de peildatum wacht, geteld vanaf de datum van de beschikking.",
    },
    WachttijdGeplaatstMediaan => {
        id: "wachttijd-geplaatst-mediaan",
        name: "Wachttijd van geplaatsten (mediaan)",
        unit: Dagen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product],
        definition: "Van de wachtlijstplaatsingen die in de periode eindigden met een plaatsing: de mediaan van het aantal dagen van beschikking tot plaatsing.",
    },
    WachttijdGeplaatstGemiddeld => {
        id: "wachttijd-geplaatst-gemiddeld",
        name: "Wachttijd van geplaatsten (gemiddeld)",
        unit: Dagen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product],
        definition: "Van de wachtlijstplaatsingen die in de periode eindigden met een plaatsing: het gemiddelde aantal dagen van beschikking tot plaatsing.",
    },
    Afgevoerd => {
        id: "afgevoerd",
        name: "Afgevoerd van de wachtlijst",
        unit: Plaatsingen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Reden],
        definition: "Wachtlijstplaatsingen die in de periode zijn afgevoerd zonder plaatsing, uit te splitsen naar de reden.",
    },
    Instroom => {
        id: "instroom",
        name: "Instroom",
        unit: Verblijven,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Verblijven die in de periode begonnen, zonder de verblijven die volgen op een overplaatsing.",
    },
    Uitstroom => {
        id: "uitstroom",
        name: "Uitstroom",
        unit: Verblijven,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie, Bestemming],
        definition: "Verblijven die in de periode eindigden, zonder de overplaatsingen, uit te splitsen naar de bestemming. Aanbieder, product en locatie zijn die van het laatste verblijf.",
    },
    Overplaatsingen => {
        id: "overplaatsingen",
        name: "Overplaatsingen",
        unit: Verblijven,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Verblijven die in de periode begonnen als vervolg op een ander verblijf (overplaatsing). Aanbieder, product en locatie zijn die van het nieuwe verblijf.",
    },
    Bezetting => {
        id: "bezetting",
        name: "Bezetting",
        unit: Personen,
        timing: Peildatum,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Verblijven die op de peildatum lopen (de dag van vertrek telt niet mee), inclusief Beschermd Thuis zonder locatie.",
    },
    Capaciteit => {
        id: "capaciteit",
        name: "Capaciteit",
        unit: Plaatsen,
        timing: Peildatum,
        dimensions: [Gemeente, Product, Aanbieder, Locatie],
        definition: "Plaatsen die locaties op de peildatum hebben volgens de capaciteitsregistratie. Gemeente is hier de gemeente waar de locatie staat.",
    },
    Bezettingsgraad => {
        id: "bezettingsgraad",
        name: "Bezettingsgraad",
        unit: Procent,
        timing: Peildatum,
        dimensions: [Gemeente, Product, Aanbieder, Locatie],
        definition: "Lopende verblijven op locaties als percentage van de capaciteit van die locaties op de peildatum. Gemeente is hier de gemeente waar de locatie staat.",
    },
    PersonenUitgestroomd => {
        id: "personen-uitgestroomd",
        name: "Uitgestroomde personen",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Unieke personen van wie een verblijf (met eventuele overplaatsingen) in de periode eindigde.",
    },
    Verblijfsduur => {
        id: "verblijfsduur",
        name: "Gemiddelde verblijfsduur",
        unit: Dagen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Het gemiddelde aantal dagen van de verblijven die in de periode eindigden, van de eerste dag tot de dag van vertrek; een overplaatsing telt als één doorlopend verblijf.",
    },
    UitstroomZelfstandig => {
        id: "uitstroom-zelfstandig",
        name: "Uitstroom naar zelfstandig wonen",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Unieke personen van wie een verblijf in de periode eindigde met als bestemming zelfstandig wonen (ook via Pact of urgentie).",
    },
    Terugkeer => {
        id: "terugkeer-24-maanden",
        name: "Terugkeer binnen 24 maanden",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Van de personen die in de periode uitstroomden naar zelfstandig wonen: zij die binnen 24 maanden na hun vertrek opnieuw een verblijf begonnen: uiterlijk 730 dagen na de vertrekdatum (zoals HUD System Performance Measure 2, die 24 maanden als 730 dagen telt).",
    },
    TerugkeerPercentage => {
        id: "terugkeer-24-maanden-percentage",
        name: "Terugkeer binnen 24 maanden (percentage)",
        unit: Procent,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Terugkeer binnen 24 maanden als percentage van de personen die in de periode uitstroomden naar zelfstandig wonen.",
    },
    EersteInstroom => {
        id: "eerste-instroom",
        name: "Nieuwe instroom (eerste keer)",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Unieke personen die in de periode een verblijf begonnen en in de 24 maanden (730 dagen, zoals HUD System Performance Measure 5) daarvoor geen verblijf hadden.",
    },
    PersonenInZorg => {
        id: "personen-in-zorg",
        name: "Unieke personen in zorg of opvang",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Unieke personen met een verblijf dat in de periode liep (minstens één dag in zorg of opvang: begonnen op of vóór de laatste dag, vertrokken na de eerste). Per product, bijvoorbeeld maatschappelijke opvang of vrouwenopvang, zoals 'aantal unieke personen in MO' in de jaarrapportage van de GGD.",
    },
    // The CBS Monitor Dakloosheid counts persons in ETHOS Light categories
    // 2 and 3 (FEANTSA 2017; VNG/CBS 2024), without beschermd wonen and
    // vrouwenopvang; which products are which is configuration
    // (`exchange::cbs::EthosMapping`).
    DakloosNoodopvang => {
        id: "dakloos-noodopvang",
        name: "Personen in de noodopvang (ETHOS Light 2)",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Unieke personen met een verblijf in de noodopvang (ETHOS Light-categorie 2: nachtopvang, passantenverblijf, crisisopvang) dat in de periode liep, minstens één dag. Welke producten noodopvang zijn, staat in de configuratie van de installatie ([cbs] noodopvang). Zoals de Monitor Dakloosheid van het CBS telt, maar ook personen zonder BSN.",
    },
    DakloosTijdelijkeOpvang => {
        id: "dakloos-tijdelijke-opvang",
        name: "Personen in de tijdelijke opvang (ETHOS Light 3)",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente, Product, Aanbieder, Locatie],
        definition: "Unieke personen met een verblijf in de tijdelijke opvang voor dakloze mensen (ETHOS Light-categorie 3: daklozen-, jongeren- en gezinsopvang) dat in de periode liep, minstens één dag; zonder vrouwenopvang, zoals de Monitor Dakloosheid van het CBS. Welke producten dat zijn, staat in de configuratie ([cbs] tijdelijke_opvang).",
    },
    ToegangClienten => {
        id: "toegang-clienten",
        name: "Unieke cliënten bij de centrale toegang",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente],
        definition: "Unieke personen met een melding bij de centrale toegang tot de opvang in de periode: een traject of een signaal met adviesvraag (zoals 'BCT Loket: unieke cliënten'). Woongemeente is hier de gemeente van herkomst volgens de regel van de regio (laatst geregistreerde adres of opgave), met één regel 'Buiten de regio'; de gemeente is de gemeente van herkomst als die in de regio van de toegang ligt, anders de centrumgemeente die de toegang uitvoert (Wmo 2015 art. 1.2.1 b).",
    },
    ToegangTrajecten => {
        id: "toegang-trajecten",
        name: "Nieuwe cliënten met een traject bij de centrale toegang",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente],
        definition: "Unieke personen voor wie in de periode een traject (onderzoek naar toegang tot de maatschappelijke opvang) begon, naar gemeente van herkomst (zoals 'BCT trajecten; gemeente van herkomst'). Herkomst en gemeente als bij de unieke cliënten bij de centrale toegang.",
    },
    ToegangSignalen => {
        id: "toegang-signalen",
        name: "Cliënten met alleen een signaal bij de centrale toegang",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente],
        definition: "Unieke personen met in de periode een signaal met adviesvraag bij de centrale toegang en geen traject: samen met de nieuwe cliënten met een traject de unieke cliënten bij de centrale toegang.",
    },
    ToegangZelfredzaam => {
        id: "toegang-zelfredzaam",
        name: "Voldoende zelfredzaam (economisch dakloos)",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente],
        definition: "Unieke personen met een traject dat in de periode begon en eindigde in 'voldoende zelfredzaam / economisch dakloos': terugverwezen naar de gemeente van herkomst voor ondersteuning.",
    },
    ToegangOpvang => {
        id: "toegang-opvang",
        name: "Toegang tot de opvang na onderzoek",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente],
        definition: "Unieke personen met een traject dat in de periode begon en eindigde in toegang tot de maatschappelijke opvang.",
    },
    DreigendDakloos => {
        id: "dreigend-dakloos",
        name: "Personen dreigend dakloos",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Woongemeente],
        definition: "Unieke personen die in de periode bij de centrale toegang werden gemeld als dreigend dakloos. Herkomst en gemeente als bij de unieke cliënten bij de centrale toegang.",
    },
    UitstroomVoordrachten => {
        id: "uitstroom-voordrachten",
        name: "Voorgedragen voor uitstroom",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Reden],
        definition: "Unieke personen die in de periode werden voorgedragen voor een woning via het Pact voor uitstroom of een urgentieverklaring. Gemeente is de gemeente waar de woning wordt gezocht; reden is waaruit de persoon uitstroomt (beschermd wonen, opvang, vrouwenopvang, detentie).",
    },
    UitstroomWachtend => {
        id: "uitstroom-wachtend",
        name: "Wachtend op uitstroom",
        unit: Personen,
        timing: Peildatum,
        dimensions: [Gemeente, Reden],
        definition: "Unieke personen met een voordracht die op de peildatum loopt: voorgedragen, nog geen sleutel en niet ingetrokken (zoals 'aantal mensen op de wachtlijst voor uitstroom'). Gemeente is de gemeente waar de woning wordt gezocht.",
    },
    UitstroomGehuisvest => {
        id: "uitstroom-gehuisvest",
        name: "Uitgestroomd naar een eigen woning via Pact of urgentie",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente, Reden],
        definition: "Unieke personen die in de periode de sleutel kregen van een woning die via het Pact voor uitstroom of een urgentieverklaring werd toegewezen (zoals 'aantal uitstromers uit BW/MO/VO/detentie naar zelfstandige woning'). Gemeente is de gemeente waar de woning ligt.",
    },
    PactWoningenGerealiseerd => {
        id: "pact-woningen-gerealiseerd",
        name: "Pact-woningen gerealiseerd",
        unit: Woningen,
        timing: Periode,
        dimensions: [Gemeente, Reden],
        definition: "Woningen die via het Pact voor uitstroom werden toegewezen met een sleuteloverdracht in de periode (urgentieverklaringen tellen hier niet mee), in de gemeente waar de woning ligt.",
    },
    PactWoningenAfspraak => {
        id: "pact-woningen-afspraak",
        name: "Pact-woningen afgesproken",
        unit: Woningen,
        timing: Periode,
        dimensions: [Gemeente],
        definition: "De woningen die gemeenten met de corporaties in het Pact voor uitstroom afspraken voor de periode. Een afspraak geldt per kalenderjaar; een deel van een jaar (een halfjaar) krijgt zijn deel naar rato van de dagen, afgerond op hele woningen. Een latere afspraak voor hetzelfde jaar vervangt de eerdere vanaf het moment dat zij is vastgelegd.",
    },
    PactRealisatie => {
        id: "pact-realisatie",
        name: "Realisatie van de Pact-afspraak",
        unit: Procent,
        timing: Periode,
        dimensions: [Gemeente],
        definition: "Pact-woningen met een sleuteloverdracht in de periode als aandeel van de voor de periode afgesproken woningen (een halfjaar naar rato van de dagen), per gemeente waar de woning ligt.",
    },
    UitstroomWachttijdMediaan => {
        id: "uitstroom-wachttijd-mediaan",
        name: "Wachttijd tot de sleutel (mediaan)",
        unit: Dagen,
        timing: Periode,
        dimensions: [Gemeente, Reden],
        definition: "De mediaan van de dagen van voordracht tot sleuteloverdracht, over de woningen (Pact of urgentie) waarvan de sleutel in de periode werd overgedragen. Gemeente is de gemeente waar de woning ligt.",
    },
    UitstroomWachttijdGemiddeld => {
        id: "uitstroom-wachttijd-gemiddeld",
        name: "Wachttijd tot de sleutel (gemiddeld)",
        unit: Dagen,
        timing: Periode,
        dimensions: [Gemeente, Reden],
        definition: "Het gemiddelde van de dagen van voordracht tot sleuteloverdracht, over de woningen (Pact of urgentie) waarvan de sleutel in de periode werd overgedragen.",
    },
    UitstroomBinnenNorm => {
        id: "uitstroom-binnen-norm",
        name: "Sleutel binnen de norm",
        unit: Procent,
        timing: Periode,
        dimensions: [Gemeente, Reden],
        definition: "Het aandeel van de sleuteloverdrachten in de periode dat binnen de norm van de regio na de voordracht viel (standaard zes kalendermaanden, 'de gewenste zes maanden' uit het Pact; instelbaar als [uitstroom] norm_maanden).",
    },
    Nazorg => {
        id: "nazorg",
        name: "Personen in nazorg",
        unit: Personen,
        timing: Peildatum,
        dimensions: [Gemeente],
        definition: "Unieke personen die op de peildatum nazorg krijgen na uitstroom naar een eigen woning via Pact of urgentie (het Pact vraagt minstens twee jaar woonbegeleiding), in de gemeente waar de woning ligt.",
    },
    WoonbehoudTwaalf => {
        id: "woonbehoud-12-maanden",
        name: "Nog zelfstandig wonend na 12 maanden",
        unit: Procent,
        timing: Periode,
        dimensions: [Gemeente, Reden],
        definition: "Van de personen die via Pact of urgentie een woning kregen en bij wie 12 kalendermaanden na de sleutel in de periode vallen: het aandeel dat toen niet was uitgezet en niet terug was in opvang of beschermd wonen. Wie vóór die dag overleed of uit beeld raakte, telt niet mee.",
    },
    WoonbehoudVierentwintig => {
        id: "woonbehoud-24-maanden",
        name: "Nog zelfstandig wonend na 24 maanden",
        unit: Procent,
        timing: Periode,
        dimensions: [Gemeente, Reden],
        definition: "Als na 12 maanden, 24 kalendermaanden na de sleutel: het einde van de twee jaar nazorg die het Pact vraagt.",
    },
    ZorgcoordinatieTrajecten => {
        id: "zorgcoordinatie-trajecten",
        name: "Nieuwe trajecten zorgcoördinatie",
        unit: Trajecten,
        timing: Periode,
        dimensions: [Gemeente],
        definition: "Trajecten zorgcoördinatie (bemoeizorg) die in de periode begonnen: een eerste melding over een persoon opent een traject, latere meldingen over dezelfde persoon vallen erbinnen zolang het open is (zoals 'nieuwe trajecten zorgcoördinatie'). Gemeente is waar de persoon woont of verblijft.",
    },
    ZorgcoordinatieMeldingen => {
        id: "zorgcoordinatie-meldingen",
        name: "Meldingen bij zorgcoördinatie",
        unit: Meldingen,
        timing: Periode,
        dimensions: [Gemeente],
        definition: "Meldingen bij zorgcoördinatie met een meldingsdatum in de periode, ook als ze binnen een al lopend traject vallen; daardoor zijn er meer meldingen dan nieuwe trajecten.",
    },
    ZorgcoordinatieAfgesloten => {
        id: "zorgcoordinatie-afgesloten",
        name: "Afgesloten trajecten zorgcoördinatie",
        unit: Trajecten,
        timing: Periode,
        dimensions: [Gemeente],
        definition: "Trajecten zorgcoördinatie die in de periode werden afgesloten, met welke uitkomst ook.",
    },
    ZorgcoordinatieOpen => {
        id: "zorgcoordinatie-open",
        name: "Openstaande trajecten zorgcoördinatie",
        unit: Trajecten,
        timing: Peildatum,
        dimensions: [Gemeente],
        definition: "Trajecten zorgcoördinatie die op de peildatum open zijn: begonnen en nog niet afgesloten (zoals 'openstaande meldingen zorgcoördinatie op 31-12').",
    },
    ZorgcoordinatieBegeleid => {
        id: "zorgcoordinatie-begeleid",
        name: "Begeleide cliënten zorgcoördinatie",
        unit: Personen,
        timing: Periode,
        dimensions: [Gemeente],
        definition: "Unieke personen met een traject zorgcoördinatie dat in de periode liep (begonnen op of vóór de laatste dag, niet afgesloten vóór de eerste), zoals 'aantal begeleide cliënten zorgcoördinatie'.",
    },
    // Gooi en Vechtstreek 2024, measure 22: the HOV monitor counts the
    // trajectories, what led to them and how they ended, evictions in
    // particular.
    HovTrajecten => {
        id: "hov-trajecten",
        name: "Nieuwe HOV-trajecten",
        unit: Trajecten,
        timing: Periode,
        dimensions: [Gemeente, Reden, Aanbieder],
        definition: "Trajecten Huren Onder Voorwaarden die in de periode begonnen (zoals 'regionaal 75 – 80 HOV-trajecten op jaarbasis'). Gemeente is waar de woning staat; reden is de aanleiding; aanbieder is wie begeleidt.",
    },
    HovLopend => {
        id: "hov-lopend",
        name: "Lopende HOV-trajecten",
        unit: Trajecten,
        timing: Peildatum,
        dimensions: [Gemeente, Reden, Aanbieder],
        definition: "Trajecten Huren Onder Voorwaarden die op de peildatum lopen: begonnen en nog niet beëindigd (beëindigd op de dag zelf telt als beëindigd).",
    },
    HovAfgesloten => {
        id: "hov-afgesloten",
        name: "Beëindigde HOV-trajecten",
        unit: Trajecten,
        timing: Periode,
        dimensions: [Gemeente, Reden, Aanbieder, Bestemming],
        definition: "Trajecten Huren Onder Voorwaarden die in de periode eindigden; uit te splitsen naar eindresultaat (bestemming).",
    },
    HovHuisuitzettingen => {
        id: "hov-huisuitzettingen",
        name: "Huisuitzettingen na HOV",
        unit: Trajecten,
        timing: Periode,
        dimensions: [Gemeente, Reden, Aanbieder],
        definition: "Trajecten Huren Onder Voorwaarden die in de periode eindigden met een huisuitzetting: het getal dat de monitor bewaakt.",
    },
    HovGeslaagd => {
        id: "hov-geslaagd",
        name: "HOV regulier afgerond",
        unit: Procent,
        timing: Periode,
        dimensions: [Gemeente, Reden, Aanbieder],
        definition: "Van de trajecten Huren Onder Voorwaarden die in de periode eindigden: het aandeel dat regulier werd afgerond (huurcontract op eigen naam, of de voorwaarden vervielen).",
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_indicator_has_a_unique_code_a_definition_and_dimensions() {
        let mut codes: Vec<&str> = IndicatorId::ALL.iter().map(|i| i.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), IndicatorId::ALL.len());
        for i in IndicatorId::ALL {
            let info = i.info();
            assert!(info.definition.len() > 40, "{}", info.code);
            assert!(
                info.dimensions.contains(&Dimension::Gemeente),
                "{}",
                info.code
            );
            assert_eq!(IndicatorId::parse(info.code), Some(*i));
        }
    }
}
