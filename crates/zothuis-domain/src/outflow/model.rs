//! Outflow from care to a home of one's own: the Pact voor uitstroom (a
//! covenant in which housing corporations make a number of homes a year
//! available per municipality for people leaving protected housing,
//! shelter, women's shelter or detention) and urgency declarations. A
//! nomination (voordracht) runs from nomination to allocation (corporation,
//! address, key) or withdrawal, and after the move to aftercare: the Pact
//! requires at least two years of housing support (Convenant
//! Uitstroomregeling Pact IJmond & Zuid-Kennemerland, 2021, quoted in
//! Velsen's programme 2024–2027, note 8). Nominations and agreements are
//! versioned, so a figure as known before a correction stays the same.

use crate::error::{DomainError, DomainResult, Validator};
use crate::reference::{GemeenteCode, optional};
use chrono::{DateTime, Months, NaiveDate, Utc};

code_list!(OutflowRoute, "kies Pact voor uitstroom of urgentie",
    Pact => ("pact", "Pact voor uitstroom"),
    Urgentie => ("urgentie", "Urgentieverklaring"),
);

// What the person leaves (Velsen, annex 2: "uitstromers uit BW/ MO/ VO/
// detentie naar zelfstandige woning").
code_list!(OutflowFrom, "kies waaruit de persoon uitstroomt",
    BeschermdWonen => ("bw", "Beschermd wonen"),
    Opvang => ("mo", "Maatschappelijke opvang"),
    Vrouwenopvang => ("vo", "Vrouwenopvang"),
    Detentie => ("detentie", "Detentie"),
    Anders => ("anders", "Andere instelling of kliniek"),
);

code_list!(WithdrawalReason, "kies waarom de voordracht is ingetrokken",
    NietMeerNodig => ("niet-meer-nodig", "Uitstroom niet meer aan de orde"),
    EldersGehuisvest => ("elders-gehuisvest", "Elders gehuisvest"),
    WoningGeweigerd => ("woning-geweigerd", "Aangeboden woning geweigerd"),
    NietBemiddelbaar => ("niet-bemiddelbaar", "Niet bemiddelbaar"),
    ZorgBeeindigd => ("zorg-beeindigd", "Zorg beëindigd of vertrokken"),
    Overig => ("overig", "Overig"),
);

// How living in the new home went, recorded during aftercare. Eviction and a
// return to shelter or protected housing end the tenancy; moving on to
// another home by choice does not.
code_list!(HousingOutcome, "kies hoe het wonen verloopt",
    Gehuisvest => ("gehuisvest", "Woont nog in de woning"),
    Verhuisd => ("verhuisd", "Zelf verhuisd naar een andere woning"),
    Uitgezet => ("uitgezet", "Uitgezet (huisuitzetting)"),
    TerugInZorg => ("terug-in-zorg", "Terug in opvang of beschermd wonen"),
    Overleden => ("overleden", "Overleden"),
    UitBeeld => ("uit-beeld", "Uit beeld"),
);

impl HousingOutcome {
    /// The home was lost: evicted, or back in shelter or protected housing.
    pub fn lost_home(self) -> bool {
        matches!(self, HousingOutcome::Uitgezet | HousingOutcome::TerugInZorg)
    }

    /// Whether the person still lives independently is not known from
    /// this outcome on (deceased, or out of sight).
    pub fn ends_knowledge(self) -> bool {
        matches!(self, HousingOutcome::Overleden | HousingOutcome::UitBeeld)
    }
}

/// Where a nomination stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NominationStatus {
    Wachtend,
    Toegewezen,
    Ingetrokken,
}

impl NominationStatus {
    pub const ALL: [NominationStatus; 3] = [
        NominationStatus::Wachtend,
        NominationStatus::Toegewezen,
        NominationStatus::Ingetrokken,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NominationStatus::Wachtend => "wachtend",
            NominationStatus::Toegewezen => "toegewezen",
            NominationStatus::Ingetrokken => "ingetrokken",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NominationStatus::Wachtend => "Wacht op een woning",
            NominationStatus::Toegewezen => "Woning toegewezen",
            NominationStatus::Ingetrokken => "Ingetrokken",
        }
    }

    pub fn parse(s: &str) -> Result<NominationStatus, &'static str> {
        NominationStatus::ALL
            .into_iter()
            .find(|x| x.code() == s.trim())
            .ok_or("kies wachtend, toegewezen of ingetrokken")
    }
}

/// The homes a municipality makes available through the Pact in a year, as
/// agreed with the corporations (Velsen 6.4: "178 woningen in de regio …
/// voor Velsen 32"). A new agreement for the same municipality and year
/// replaces the earlier one from its recording on.
#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    pub id: i64,
    pub region_id: i64,
    pub municipality: GemeenteCode,
    pub year: i32,
    pub homes: u32,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// A quota as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuotaInput {
    pub municipality: String,
    pub year: String,
    pub homes: String,
    pub note: Option<String>,
}

/// A checked quota.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaData {
    pub municipality: GemeenteCode,
    pub year: i32,
    pub homes: u32,
    pub note: Option<String>,
}

impl QuotaInput {
    pub fn parse(&self) -> DomainResult<QuotaData> {
        let mut v = Validator::new();
        let municipality = v.check("gemeente", GemeenteCode::parse(&self.municipality));
        let year = match self.year.trim().parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                v.add("jaar", "vul een jaar in, bijvoorbeeld 2025");
                None
            }
        };
        let homes = match self.homes.trim().parse::<u32>() {
            Ok(n) if n <= 100_000 => Some(n),
            _ => {
                v.add(
                    "woningen",
                    "vul het aantal woningen in als geheel getal van 0 of meer",
                );
                None
            }
        };
        v.finish()?;
        match (municipality, year, homes) {
            (Some(municipality), Some(year), Some(homes)) => Ok(QuotaData {
                municipality,
                year,
                homes,
                note: optional(&self.note).map(str::to_string),
            }),
            _ => Err(DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

/// What a nomination says, in one version.
#[derive(Debug, Clone, PartialEq)]
pub struct NominationFacts {
    pub route: OutflowRoute,
    pub leaves: OutflowFrom,
    /// The stay the person leaves, when zothuis knows it: the exit from
    /// care links to the allocation through it.
    pub stay_id: Option<i64>,
    pub nominated_on: NaiveDate,
    /// The municipality where a home is sought: whose Pact homes it counts
    /// against while waiting.
    pub municipality: GemeenteCode,
    /// The corporation the nomination is addressed to (before the
    /// allocation: the candidate is offered to it; with address and key:
    /// it allocated the home). Its staff see the nomination.
    pub corporation_id: Option<i64>,
    /// Where the allocated home is: whose Pact homes it realises.
    pub address_municipality: Option<GemeenteCode>,
    /// The day the key is handed over: the end of the wait.
    pub key_on: Option<NaiveDate>,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawal_reason: Option<WithdrawalReason>,
    pub aftercare_provider: Option<i64>,
    pub aftercare_from: Option<NaiveDate>,
    pub aftercare_until: Option<NaiveDate>,
    pub housing: Option<HousingOutcome>,
    pub housing_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl NominationFacts {
    /// Where the nomination stands on a day (`None`: as recorded, whatever
    /// the dates).
    pub fn status_on(&self, day: Option<NaiveDate>) -> NominationStatus {
        let reached = |d: Option<NaiveDate>| d.is_some_and(|d| day.is_none_or(|day| d <= day));
        if reached(self.key_on) {
            NominationStatus::Toegewezen
        } else if reached(self.withdrawn_on) {
            NominationStatus::Ingetrokken
        } else {
            NominationStatus::Wachtend
        }
    }

    /// Days from nomination to key, once the key is handed over.
    pub fn waited_days(&self) -> Option<i64> {
        self.key_on.map(|k| (k - self.nominated_on).num_days())
    }
}

/// The target when the region sets none: six months (Velsen 6.4).
pub const DEFAULT_TARGET_MONTHS: u32 = 6;

/// The waiting time the region aims for: from nomination to key within so
/// many calendar months (Velsen 6.4: "de gewenste zes maanden"). A regional
/// agreement, so configuration (`[uitstroom] norm_maanden`).
pub fn within_target(nominated_on: NaiveDate, key_on: NaiveDate, months: u32) -> bool {
    nominated_on
        .checked_add_months(Months::new(months))
        .is_none_or(|limit| key_on <= limit)
}

/// A nomination as known at a moment: its latest version recorded by then.
#[derive(Debug, Clone, PartialEq)]
pub struct Nomination {
    pub id: i64,
    pub client_id: i64,
    pub region_id: i64,
    pub created_at: DateTime<Utc>,
    pub facts: NominationFacts,
    /// The id of the version row: the ETag of the nomination.
    pub version_id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// A nomination or a new version of one, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NominationInput {
    pub route: String,
    pub leaves: String,
    pub stay_id: Option<String>,
    pub nominated_on: String,
    pub municipality: String,
    pub corporation_id: Option<String>,
    pub address_municipality: Option<String>,
    pub key_on: Option<String>,
    pub withdrawn_on: Option<String>,
    pub withdrawal_reason: Option<String>,
    pub aftercare_provider: Option<String>,
    pub aftercare_from: Option<String>,
    pub aftercare_until: Option<String>,
    pub housing: Option<String>,
    pub housing_on: Option<String>,
    pub note: Option<String>,
}

impl NominationInput {
    /// Checks every field and reports all problems at once, in Dutch.
    /// `today` bounds what has happened: a nomination, withdrawal and
    /// housing outcome are not in the future; a key handover may be planned.
    pub fn parse(&self, today: NaiveDate) -> DomainResult<NominationFacts> {
        let mut v = Validator::new();
        let route = v.check("route", OutflowRoute::parse(&self.route));
        let leaves = v.check("uitstroomUit", OutflowFrom::parse(&self.leaves));
        let date = |v: &mut Validator, field: &str, s: &Option<String>| {
            optional(s).and_then(|d| v.check(field, crate::Datum::parse(d)).map(|d| d.0))
        };
        let id = |v: &mut Validator, field: &str, s: &Option<String>| {
            v.chosen_id(field, s, "kies uit de lijst")
        };
        let code = |v: &mut Validator, field: &str, s: &Option<String>| {
            optional(s).and_then(|c| v.check(field, GemeenteCode::parse(c)))
        };
        let stay_id = id(&mut v, "verblijfId", &self.stay_id);
        let nominated_on = v
            .check("voordrachtdatum", crate::Datum::parse(&self.nominated_on))
            .map(|d| d.0);
        let municipality = v.check("gemeente", GemeenteCode::parse(&self.municipality));
        let address_municipality = code(&mut v, "adresgemeente", &self.address_municipality);
        let key_on = date(&mut v, "sleuteldatum", &self.key_on);
        let withdrawn_on = date(&mut v, "ingetrokkenOp", &self.withdrawn_on);
        let withdrawal_reason = optional(&self.withdrawal_reason)
            .and_then(|r| v.check("redenIntrekking", WithdrawalReason::parse(r)));
        let aftercare_provider = id(&mut v, "nazorgAanbiederId", &self.aftercare_provider);
        let aftercare_from = date(&mut v, "nazorgVanaf", &self.aftercare_from);
        let aftercare_until = date(&mut v, "nazorgTot", &self.aftercare_until);
        let housing =
            optional(&self.housing).and_then(|h| v.check("wonen", HousingOutcome::parse(h)));
        let housing_on = date(&mut v, "wonenPer", &self.housing_on);
        let corporation_id = id(&mut v, "corporatieId", &self.corporation_id);
        let typed = |s: &Option<String>| optional(s).is_some();

        if let Some(n) = nominated_on
            && n > today
        {
            v.add("voordrachtdatum", "een voordracht ligt niet in de toekomst");
        }
        // Allocation: corporation, address and key together; a corporation
        // alone is the one the candidate is offered to.
        let allocating = typed(&self.key_on) || typed(&self.address_municipality);
        if allocating {
            if !typed(&self.corporation_id) {
                v.add(
                    "corporatieId",
                    "kies de corporatie van de toegewezen woning",
                );
            }
            if !typed(&self.address_municipality) {
                v.add("adresgemeente", "kies de gemeente waar de woning ligt");
            }
            if !typed(&self.key_on) {
                v.add("sleuteldatum", "vul de datum van de sleuteloverdracht in");
            }
        }
        if let (Some(n), Some(k)) = (nominated_on, key_on)
            && k < n
        {
            v.add("sleuteldatum", "de sleutel volgt niet vóór de voordracht");
        }
        // Withdrawal: date and reason together, never with a key.
        if typed(&self.withdrawn_on) != typed(&self.withdrawal_reason) {
            if typed(&self.withdrawn_on) {
                v.add(
                    "redenIntrekking",
                    "kies waarom de voordracht is ingetrokken",
                );
            } else {
                v.add("ingetrokkenOp", "vul de datum van intrekking in");
            }
        }
        if typed(&self.withdrawn_on) && allocating {
            v.add(
                "ingetrokkenOp",
                "een voordracht met een toegewezen woning is niet ingetrokken",
            );
        }
        if let Some(w) = withdrawn_on {
            if nominated_on.is_some_and(|n| w < n) {
                v.add("ingetrokkenOp", "intrekken gaat niet vóór de voordracht");
            }
            if w > today {
                v.add("ingetrokkenOp", "een intrekking ligt niet in de toekomst");
            }
        }
        // Aftercare and how living goes follow the move.
        let aftercare = typed(&self.aftercare_provider)
            || typed(&self.aftercare_from)
            || typed(&self.aftercare_until);
        if (aftercare || typed(&self.housing) || typed(&self.housing_on)) && !typed(&self.key_on) {
            v.add(
                "sleuteldatum",
                "nazorg en wonen worden vastgelegd na de sleuteloverdracht",
            );
        }
        if aftercare {
            if !typed(&self.aftercare_provider) {
                v.add("nazorgAanbiederId", "kies de aanbieder van de nazorg");
            }
            if !typed(&self.aftercare_from) {
                v.add("nazorgVanaf", "vul in wanneer de nazorg begon");
            }
        }
        if let (Some(a), Some(b)) = (aftercare_from, aftercare_until)
            && b < a
        {
            v.add(
                "nazorgTot",
                "het einde van de nazorg ligt niet vóór het begin",
            );
        }
        if typed(&self.aftercare_until) && !typed(&self.aftercare_from) {
            v.add("nazorgVanaf", "vul in wanneer de nazorg begon");
        }
        match (typed(&self.housing), typed(&self.housing_on)) {
            (true, false) => v.add("wonenPer", "vul de datum bij hoe het wonen verloopt in"),
            (false, true) => v.add("wonen", "kies hoe het wonen verloopt bij deze datum"),
            _ => {}
        }
        if let Some(h) = housing_on {
            if key_on.is_some_and(|k| h < k) {
                v.add("wonenPer", "dit ligt niet vóór de sleuteloverdracht");
            }
            if h > today {
                v.add("wonenPer", "dit ligt niet in de toekomst");
            }
        }
        v.finish()?;
        let (Some(route), Some(leaves), Some(nominated_on), Some(municipality)) =
            (route, leaves, nominated_on, municipality)
        else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        Ok(NominationFacts {
            route,
            leaves,
            stay_id,
            nominated_on,
            municipality,
            corporation_id,
            address_municipality,
            key_on,
            withdrawn_on,
            withdrawal_reason,
            aftercare_provider,
            aftercare_from,
            aftercare_until,
            housing,
            housing_on,
            note: optional(&self.note).map(str::to_string),
        })
    }
}

/// The allocation as the corporation records it: where the home is and
/// the day of the key handover.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AllocationInput {
    pub address_municipality: String,
    pub key_on: String,
}

impl NominationFacts {
    /// This nomination allocated by its corporation: the address
    /// municipality and key date replaced, everything else (the care side:
    /// aftercare, how living goes, the note) kept as the region recorded
    /// it. The same rules as a whole nomination (`NominationInput::parse`):
    /// the key not before the nomination, no allocation of a withdrawn
    /// nomination, how living goes not before the key.
    pub fn allocated(
        &self,
        input: &AllocationInput,
        today: NaiveDate,
    ) -> DomainResult<NominationFacts> {
        let mut v = Validator::new();
        let address = v.check(
            "adresgemeente",
            GemeenteCode::parse(input.address_municipality.trim()),
        );
        let key_on = v
            .check("sleuteldatum", crate::Datum::parse(&input.key_on))
            .map(|d| d.0);
        if self.withdrawn_on.is_some_and(|w| w <= today) {
            v.add(
                "sleuteldatum",
                "deze voordracht is ingetrokken; neem contact op met de uitstroomcoördinatie van de regio",
            );
        }
        if let Some(k) = key_on {
            if k < self.nominated_on {
                v.add("sleuteldatum", "de sleutel volgt niet vóór de voordracht");
            }
            if self.housing_on.is_some_and(|h| h < k) || self.aftercare_from.is_some_and(|a| a < k)
            {
                v.add(
                    "sleuteldatum",
                    "na deze sleuteldatum is al nazorg of wonen vastgelegd; neem contact op met de uitstroomcoördinatie",
                );
            }
        }
        v.finish()?;
        Ok(NominationFacts {
            address_municipality: address,
            key_on,
            withdrawn_on: None,
            withdrawal_reason: None,
            ..self.clone()
        })
    }
}

/// What a nomination refers to, as found in zothuis (or in an import).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NominationReferences {
    /// The client of the stay the nomination names (`None`: no such stay).
    pub stay_client: Option<i64>,
    /// Whether the aftercare provider it names exists.
    pub aftercare_provider_known: bool,
    /// The region of its municipality (`None`: no such municipality).
    pub municipality_region: Option<i64>,
    /// The region of the corporation it names (`None`: no such corporation).
    pub corporation_region: Option<i64>,
    /// The region of the address municipality of the allocated home
    /// (`None`: none given, or no such municipality).
    pub address_region: Option<i64>,
}

impl NominationFacts {
    /// Checks what the nomination refers to: the stay must be the client's,
    /// the aftercare provider must exist, the municipality gives the region,
    /// and the corporation and the address of the allocated home must be of
    /// that region (the home counts against a Pact quota of the region's
    /// municipalities). Returns the region.
    pub fn check_references(
        &self,
        client_id: i64,
        found: &NominationReferences,
    ) -> DomainResult<i64> {
        if self.stay_id.is_some() && found.stay_client != Some(client_id) {
            return Err(DomainError::invalid(
                "verblijfId",
                "dit verblijf hoort niet bij deze cliënt",
            ));
        }
        if self.aftercare_provider.is_some() && !found.aftercare_provider_known {
            return Err(DomainError::invalid(
                "nazorgAanbiederId",
                "deze aanbieder staat niet in zothuis",
            ));
        }
        let Some(region_id) = found.municipality_region else {
            return Err(DomainError::invalid(
                "gemeente",
                "deze gemeente staat niet in zothuis; kies een gemeente van de regio",
            ));
        };
        if self.corporation_id.is_some() && found.corporation_region != Some(region_id) {
            return Err(DomainError::invalid(
                "corporatieId",
                "kies een corporatie van de regio",
            ));
        }
        if self.address_municipality.is_some() && found.address_region != Some(region_id) {
            return Err(DomainError::invalid(
                "adresgemeente",
                "kies een gemeente van de regio van de voordracht",
            ));
        }
        Ok(region_id)
    }

    /// A client has one running nomination at a time: whether this one and
    /// `other` would both be waiting on `today`.
    pub fn runs_alongside(&self, other: &NominationFacts, today: NaiveDate) -> bool {
        self.status_on(Some(today)) == NominationStatus::Wachtend
            && other.status_on(Some(today)) == NominationStatus::Wachtend
    }

    /// Whether `other` changes the allocation or withdrawal of this version:
    /// what only the region's outflow coordination records.
    pub fn changes_placement(&self, other: &NominationFacts) -> bool {
        self.corporation_id != other.corporation_id
            || self.address_municipality != other.address_municipality
            || self.key_on != other.key_on
            || self.withdrawn_on != other.withdrawn_on
            || self.withdrawal_reason != other.withdrawal_reason
    }
}

impl crate::history::Recorded for Nomination {
    fn row_id(&self) -> i64 {
        self.version_id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    fn supersedes(&self) -> Option<i64> {
        None
    }
}

impl crate::history::Versioned for Nomination {
    fn record_id(&self) -> i64 {
        self.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input() -> NominationInput {
        NominationInput {
            route: "pact".into(),
            leaves: "bw".into(),
            nominated_on: "2026-01-05".into(),
            municipality: "GM0453".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_corporation_allocates_an_open_nomination_and_keeps_the_care_side() {
        let today = d("2026-03-01");
        let offered = NominationInput {
            corporation_id: Some("3".into()),
            note: Some("Begeleiding door Kwintes".into()),
            ..input()
        }
        .parse(today)
        .unwrap();
        let allocation = |address: &str, key: &str| AllocationInput {
            address_municipality: address.into(),
            key_on: key.into(),
        };
        let allocated = offered
            .allocated(&allocation("GM0453", "2026-03-15"), today)
            .unwrap();
        assert_eq!(allocated.key_on, Some(d("2026-03-15")));
        assert_eq!(
            allocated.address_municipality.as_ref().unwrap().as_str(),
            "GM0453"
        );
        assert_eq!(
            allocated.status_on(Some(d("2026-03-15"))),
            NominationStatus::Toegewezen
        );
        assert_eq!(
            (allocated.note, allocated.corporation_id),
            (offered.note.clone(), Some(3))
        );
        let refused = |f: &NominationFacts, a: AllocationInput| match f.allocated(&a, today) {
            Err(DomainError::Invalid(e)) => e
                .into_iter()
                .map(|f| (f.field, f.message))
                .collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let bad = refused(&offered, allocation("Velsen", "2025-12-31"));
        assert_eq!(bad[0].0, "adresgemeente");
        assert!(bad[1].1.contains("niet vóór de voordracht"), "{bad:?}");
        let withdrawn = NominationFacts {
            withdrawn_on: Some(d("2026-02-01")),
            ..offered.clone()
        };
        let bad = refused(&withdrawn, allocation("GM0453", "2026-03-15"));
        assert!(bad[0].1.contains("ingetrokken"), "{bad:?}");
    }

    fn fields(i: &NominationInput) -> Vec<String> {
        match i.parse(d("2026-03-01")) {
            Err(DomainError::Invalid(e)) => e.into_iter().map(|f| f.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_allocation_names_corporation_address_and_key_and_excludes_withdrawal() {
        let half = NominationInput {
            key_on: Some("2026-02-01".into()),
            ..input()
        };
        assert_eq!(fields(&half), ["corporatieId", "adresgemeente"]);
        // Addressed to a corporation, still waiting for a home.
        let offered = NominationInput {
            corporation_id: Some("4".into()),
            ..input()
        }
        .parse(d("2026-03-01"))
        .unwrap();
        assert_eq!(
            (offered.corporation_id, offered.status_on(None)),
            (Some(4), NominationStatus::Wachtend)
        );
        assert_eq!(
            fields(&NominationInput {
                corporation_id: Some("Woonstichting".into()),
                ..input()
            }),
            ["corporatieId"]
        );
        let both = NominationInput {
            corporation_id: Some("4".into()),
            address_municipality: Some("GM0453".into()),
            key_on: Some("2026-02-01".into()),
            withdrawn_on: Some("2026-02-01".into()),
            withdrawal_reason: Some("overig".into()),
            ..input()
        };
        assert_eq!(fields(&both), ["ingetrokkenOp"]);
        let early = NominationInput {
            corporation_id: Some("4".into()),
            address_municipality: Some("GM0453".into()),
            key_on: Some("2025-12-01".into()),
            ..input()
        };
        assert_eq!(fields(&early), ["sleuteldatum"]);
        let ok = NominationInput {
            corporation_id: Some("4".into()),
            address_municipality: Some("GM0453".into()),
            // A key handover may be planned ahead.
            key_on: Some("2026-04-01".into()),
            ..input()
        }
        .parse(d("2026-03-01"))
        .unwrap();
        assert_eq!(
            ok.status_on(Some(d("2026-03-31"))),
            NominationStatus::Wachtend
        );
        assert_eq!(
            ok.status_on(Some(d("2026-04-01"))),
            NominationStatus::Toegewezen
        );
        assert_eq!(ok.waited_days(), Some(86));
    }

    #[test]
    fn a_nomination_refers_to_the_clients_stay_and_a_corporation_of_its_region() {
        let facts = NominationInput {
            stay_id: Some("7".into()),
            corporation_id: Some("4".into()),
            ..input()
        }
        .parse(d("2026-03-01"))
        .unwrap();
        let found = NominationReferences {
            stay_client: Some(12),
            aftercare_provider_known: true,
            municipality_region: Some(2),
            corporation_region: Some(2),
            address_region: None,
        };
        assert_eq!(facts.check_references(12, &found).unwrap(), 2);
        let field =
            |client, found: NominationReferences| match facts.check_references(client, &found) {
                Err(DomainError::Invalid(e)) => e[0].field.clone(),
                other => panic!("{other:?}"),
            };
        assert_eq!(field(13, found), "verblijfId");
        let elsewhere = NominationReferences {
            corporation_region: Some(1),
            ..found
        };
        assert_eq!(field(12, elsewhere), "corporatieId");
        let nowhere = NominationReferences {
            municipality_region: None,
            ..found
        };
        assert_eq!(field(12, nowhere), "gemeente");
        // The allocated home in a municipality of another region.
        let allocated = NominationFacts {
            address_municipality: Some(GemeenteCode::parse("GM0392").unwrap()),
            ..facts.clone()
        };
        let home = |address_region| NominationReferences {
            address_region,
            ..found
        };
        assert_eq!(allocated.check_references(12, &home(Some(2))).unwrap(), 2);
        for wrong in [Some(1), None] {
            match allocated.check_references(12, &home(wrong)) {
                Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "adresgemeente"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn aftercare_and_housing_follow_the_key() {
        let before = NominationInput {
            aftercare_provider: Some("3".into()),
            aftercare_from: Some("2026-02-01".into()),
            housing: Some("gehuisvest".into()),
            ..input()
        };
        assert_eq!(fields(&before), ["sleuteldatum", "wonenPer"]);
        let withdrawn = NominationInput {
            withdrawn_on: Some("2026-02-01".into()),
            ..input()
        };
        assert_eq!(fields(&withdrawn), ["redenIntrekking"]);
    }

    #[test]
    fn the_target_counts_calendar_months() {
        assert!(within_target(d("2025-01-31"), d("2025-07-31"), 6));
        assert!(!within_target(d("2025-01-31"), d("2025-08-01"), 6));
        // The end of a shorter month: 31 August + 6 months is 28 February.
        assert!(within_target(d("2025-08-31"), d("2026-02-28"), 6));
        assert!(!within_target(d("2025-08-31"), d("2026-03-01"), 6));
    }

    #[test]
    fn a_quota_is_a_municipality_a_year_and_a_whole_number() {
        let bad = QuotaInput {
            municipality: "Velsen".into(),
            year: "24".into(),
            homes: "-3".into(),
            note: None,
        };
        match bad.parse() {
            Err(DomainError::Invalid(e)) => assert_eq!(
                e.into_iter().map(|f| f.field).collect::<Vec<_>>(),
                ["gemeente", "jaar", "woningen"]
            ),
            other => panic!("{other:?}"),
        }
        let ok = QuotaInput {
            municipality: "GM0453".into(),
            year: "2024".into(),
            homes: "32".into(),
            note: Some(" ".into()),
        }
        .parse()
        .unwrap();
        assert_eq!((ok.year, ok.homes, ok.note), (2024, 32, None));
    }
}
