//! Places and matching: occupancy is derived from stays, vacancies are
//! capacity minus occupancy, and for a vacancy every waiting client of the
//! product is either proposed (in priority order) or told why not.

use super::model::EntryState;
use super::status::Status;
use crate::care::Stay;
use crate::dates::dutch_long;
use crate::reference::{CapacityRow, Location, capacity_on};
use chrono::{DateTime, NaiveDate, Utc};

/// Places of one product at one location on a day.
#[derive(Debug, Clone, PartialEq)]
pub struct Occupancy {
    pub location_id: i64,
    pub product_id: i64,
    pub capacity: i64,
    pub occupied: i64,
}

impl Occupancy {
    /// Free places; none when the location is full or over capacity.
    pub fn vacant(&self) -> i64 {
        (self.capacity - self.occupied).max(0)
    }

    /// Stays beyond the capacity (a capacity row recorded too low, or an
    /// emergency placement): shown as a warning, never as negative free places.
    pub fn over_capacity(&self) -> i64 {
        (self.occupied - self.capacity).max(0)
    }
}

/// Occupancy of every product with location places at `location` on `day`,
/// as known at `known_at` (capacity rows recorded by then; stays as given).
pub fn occupancy(
    location: &Location,
    place_products: &[i64],
    capacity: &[CapacityRow],
    stays: &[Stay],
    day: NaiveDate,
    known_at: DateTime<Utc>,
) -> Vec<Occupancy> {
    location
        .product_ids
        .iter()
        .filter(|p| place_products.contains(p))
        .map(|p| Occupancy {
            location_id: location.id,
            product_id: *p,
            capacity: capacity_on(capacity, *p, day, known_at).map_or(0, |c| c.places),
            occupied: stays
                .iter()
                .filter(|s| {
                    s.location_id == Some(location.id) && s.product_id == *p && s.is_active_on(day)
                })
                .count() as i64,
        })
        .collect()
}

/// One waiting client for a vacancy: proposed with a rank, or not, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub entry_id: i64,
    pub client_id: i64,
    /// 1, 2, … for proposed clients in priority order.
    pub rank: Option<usize>,
    pub reason: String,
}

/// One criterion of the order in which actively waiting clients are
/// proposed for a vacancy. The order is configuration (`[waitlist]
/// priority` in zothuis.toml): regions agree on it in their waiting-list
/// protocol; it is not law.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Clients marked urgent by the waitlist manager first.
    Urgentie,
    /// Longest in the current actively-waiting status first.
    ActieveWachttijd,
    /// Longest since the decision first.
    WachttijdSindsBeschikking,
}

impl Priority {
    pub const ALL: [Priority; 3] = [
        Priority::Urgentie,
        Priority::ActieveWachttijd,
        Priority::WachttijdSindsBeschikking,
    ];

    /// The default: urgency first, then the longest active waiting time,
    /// then the longest time since the decision.
    pub const DEFAULT: [Priority; 3] = Priority::ALL;

    pub fn code(self) -> &'static str {
        match self {
            Priority::Urgentie => "urgentie",
            Priority::ActieveWachttijd => "actieve-wachttijd",
            Priority::WachttijdSindsBeschikking => "wachttijd-sinds-beschikking",
        }
    }

    pub fn parse(s: &str) -> Result<Priority, String> {
        Self::ALL
            .into_iter()
            .find(|p| p.code() == s.trim())
            .ok_or_else(|| {
                format!(
                    "onbekende prioriteit '{s}'; kies uit {}",
                    Self::ALL.map(|p| p.code()).join(", ")
                )
            })
    }

    fn compare(self, a: &EntryState, b: &EntryState) -> std::cmp::Ordering {
        match self {
            Priority::Urgentie => a.entry.urgent.is_none().cmp(&b.entry.urgent.is_none()),
            Priority::ActieveWachttijd => b.days_in_status.cmp(&a.days_in_status),
            Priority::WachttijdSindsBeschikking => b.waiting_days.cmp(&a.waiting_days),
        }
    }
}

/// Proposes the waiting clients of the vacancy's product: actively waiting
/// only, in the configured `order` (ties go to the earliest entry).
/// Where the vacancy is.
pub struct Vacancy<'a> {
    pub region_municipalities: &'a [crate::reference::GemeenteCode],
    pub municipality: &'a crate::reference::GemeenteCode,
    pub provider_id: i64,
}

pub fn propose(
    states: &[EntryState],
    order: &[Priority],
    vacancy: &Vacancy<'_>,
    provider_name: &dyn Fn(i64) -> String,
    municipality_name: &dyn Fn(&crate::reference::GemeenteCode) -> String,
) -> Vec<Proposal> {
    let region_municipalities = vacancy.region_municipalities;
    let mut proposed: Vec<&EntryState> = Vec::new();
    let mut others = Vec::new();
    for s in states {
        let not = |reason: String| Proposal {
            entry_id: s.entry.id,
            client_id: s.entry.client_id,
            rank: None,
            reason,
        };
        if !region_municipalities.contains(&s.entry.responsible) {
            others.push(not(
                "verantwoordelijke gemeente ligt buiten de regio van deze locatie".into(),
            ));
            continue;
        }
        match s.status {
            Status::ActiefWachtend => {
                // A stated preference is respected: the client is not
                // proposed for a place elsewhere.
                if let Some(m) = &s.entry.preferred_municipality
                    && m != vacancy.municipality
                {
                    others.push(not(format!(
                        "voorkeur andere gemeente ({})",
                        municipality_name(m)
                    )));
                } else if let Some(p) = s.entry.preferred_provider
                    && p != vacancy.provider_id
                {
                    others.push(not(format!(
                        "voorkeur andere aanbieder ({})",
                        provider_name(p)
                    )));
                } else {
                    proposed.push(s);
                }
            }
            Status::Aangemeld => others.push(not(format!(
                "nog niet actief wachtend (aangemeld sinds {})",
                dutch_long(s.status_since)
            ))),
            Status::PassiefWachtend(r) => others.push(not(format!(
                "passief wachtend sinds {} ({})",
                dutch_long(s.status_since),
                r.label().to_lowercase()
            ))),
            Status::InScreening { provider_id } => others.push(not(format!(
                "in screening bij {} sinds {}",
                provider_name(provider_id),
                dutch_long(s.status_since)
            ))),
            Status::Geplaatst | Status::Afgevoerd(_) => {}
        }
    }
    proposed.sort_by(|a, b| {
        order
            .iter()
            .map(|p| p.compare(a, b))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| a.entry.id.cmp(&b.entry.id))
    });
    let mut out: Vec<Proposal> = proposed
        .into_iter()
        .enumerate()
        .map(|(i, s)| Proposal {
            entry_id: s.entry.id,
            client_id: s.entry.client_id,
            rank: Some(i + 1),
            reason: match &s.entry.urgent {
                Some(why) => format!(
                    "urgent: {why}; actief wachtend sinds {} ({} dagen)",
                    dutch_long(s.status_since),
                    s.days_in_status
                ),
                None => format!(
                    "actief wachtend sinds {} ({} dagen); {} dagen sinds de beschikking",
                    dutch_long(s.status_since),
                    s.days_in_status,
                    s.waiting_days
                ),
            },
        })
        .collect();
    out.extend(others);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::GemeenteCode;
    use crate::waitlist::{Entry, PassiveReason};
    use chrono::TimeZone;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn state(
        id: i64,
        gm: &str,
        status: Status,
        since: &str,
        in_status: i64,
        waiting: i64,
    ) -> EntryState {
        EntryState {
            entry: Entry {
                id,
                client_id: id * 10,
                decision_id: id,
                product_id: 1,
                responsible: GemeenteCode::parse(gm).unwrap(),
                waiting_since: d("2025-01-01"),
                created_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
                preferred_provider: None,
                preferred_municipality: None,
                urgent: None,
            },
            status,
            status_since: d(since),
            waiting_days: waiting,
            days_in_status: in_status,
        }
    }

    #[test]
    fn a_location_over_capacity_has_no_free_places_and_says_how_many_too_many() {
        let o = Occupancy {
            location_id: 1,
            product_id: 1,
            capacity: 10,
            occupied: 11,
        };
        assert_eq!((o.vacant(), o.over_capacity()), (0, 1));
        let o = Occupancy { occupied: 7, ..o };
        assert_eq!((o.vacant(), o.over_capacity()), (3, 0));
    }

    #[test]
    fn the_longest_actively_waiting_client_comes_first_and_others_are_explained() {
        let region = [
            GemeenteCode::parse("GM0402").unwrap(),
            GemeenteCode::parse("GM0406").unwrap(),
        ];
        let states = vec![
            state(1, "GM0402", Status::ActiefWachtend, "2025-06-01", 100, 300),
            state(2, "GM0406", Status::ActiefWachtend, "2025-03-01", 190, 200),
            state(
                3,
                "GM0406",
                Status::PassiefWachtend(PassiveReason::KlinischeOpname),
                "2025-05-01",
                130,
                400,
            ),
            state(
                4,
                "GM0402",
                Status::InScreening { provider_id: 7 },
                "2025-08-01",
                40,
                350,
            ),
            state(5, "GM0392", Status::ActiefWachtend, "2025-01-01", 400, 400),
        ];
        let name = |_| "Kwintes".to_string();
        let here = GemeenteCode::parse("GM0402").unwrap();
        let vacancy = Vacancy {
            region_municipalities: &region,
            municipality: &here,
            provider_id: 7,
        };
        let mname = |c: &GemeenteCode| c.to_string();
        let p = propose(&states, &Priority::DEFAULT, &vacancy, &name, &mname);
        let ranked: Vec<(i64, Option<usize>)> = p.iter().map(|x| (x.entry_id, x.rank)).collect();
        assert_eq!(ranked[0], (2, Some(1)));
        assert_eq!(ranked[1], (1, Some(2)));
        let why = |id| p.iter().find(|x| x.entry_id == id).unwrap().reason.clone();
        assert_eq!(
            why(3),
            "passief wachtend sinds 1 mei 2025 (klinische opname)"
        );
        assert_eq!(why(4), "in screening bij Kwintes sinds 1 augustus 2025");
        assert!(why(5).contains("buiten de regio"));
        assert!(why(2).starts_with("actief wachtend sinds 1 maart 2025 (190 dagen)"));
    }

    #[test]
    fn an_urgent_client_comes_first() {
        let region = [GemeenteCode::parse("GM0402").unwrap()];
        let long = state(1, "GM0402", Status::ActiefWachtend, "2025-01-01", 300, 300);
        let mut urgent = state(2, "GM0402", Status::ActiefWachtend, "2025-12-01", 10, 20);
        urgent.entry.urgent = Some("dreigende dakloosheid".into());
        let here = GemeenteCode::parse("GM0402").unwrap();
        let vacancy = Vacancy {
            region_municipalities: &region,
            municipality: &here,
            provider_id: 7,
        };
        let p = propose(
            &[long.clone(), urgent.clone()],
            &Priority::DEFAULT,
            &vacancy,
            &|_| String::new(),
            &|_| String::new(),
        );
        assert_eq!((p[0].entry_id, p[0].rank), (2, Some(1)));
        assert!(p[0].reason.starts_with("urgent: dreigende dakloosheid"));

        // A region that ranks by time since the decision, urgency second,
        // puts the long waiter first.
        let order = [Priority::WachttijdSindsBeschikking, Priority::Urgentie];
        let p = propose(
            &[urgent, long],
            &order,
            &vacancy,
            &|_| String::new(),
            &|_| String::new(),
        );
        assert_eq!(
            p.iter().map(|x| (x.entry_id, x.rank)).collect::<Vec<_>>(),
            [(1, Some(1)), (2, Some(2))]
        );
        assert_eq!(Priority::parse("urgentie"), Ok(Priority::Urgentie));
        assert!(
            Priority::parse("leeftijd")
                .unwrap_err()
                .contains("kies uit urgentie")
        );
    }

    #[test]
    fn a_client_preferring_another_municipality_is_not_proposed_and_told_why() {
        let region = [
            GemeenteCode::parse("GM0402").unwrap(),
            GemeenteCode::parse("GM0406").unwrap(),
        ];
        let mut s = state(1, "GM0406", Status::ActiefWachtend, "2025-06-01", 100, 300);
        s.entry.preferred_municipality = Some(GemeenteCode::parse("GM0406").unwrap());
        let here = GemeenteCode::parse("GM0402").unwrap();
        let vacancy = Vacancy {
            region_municipalities: &region,
            municipality: &here,
            provider_id: 7,
        };
        let p = propose(
            &[s],
            &Priority::DEFAULT,
            &vacancy,
            &|_| "Kwintes".to_string(),
            &|_| "Huizen".to_string(),
        );
        assert_eq!(p[0].rank, None);
        assert_eq!(p[0].reason, "voorkeur andere gemeente (Huizen)");
    }
}
