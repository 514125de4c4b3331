//! The waiting-list status as a state machine (DESIGN.md "The client
//! journey"): aangemeld → actief wachtend ⇄ passief wachtend (reden) →
//! in screening (aanbieder) → geplaatst, or afgevoerd (reden) from any open
//! status. Every transition has an effective date and a note.

use crate::error::DomainError;
use chrono::NaiveDate;

/// Why someone waits passively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PassiveReason {
    NietGemotiveerd,
    NietPlaatsbaar,
    KlinischeOpname,
    Anders,
}

/// Why someone left the list without a placement through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemovalReason {
    WlzIndicatie,
    EldersGeplaatst,
    NietMeerNodig,
    Vertrokken,
    Overleden,
    GeenContact,
    Anders,
}

macro_rules! coded {
    ($t:ty, $msg:literal, $( $v:ident => ($code:literal, $label:literal) ),+ $(,)?) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$( <$t>::$v ),+];
            pub fn code(self) -> &'static str {
                match self { $( <$t>::$v => $code ),+ }
            }
            pub fn label(self) -> &'static str {
                match self { $( <$t>::$v => $label ),+ }
            }
            pub fn parse(s: &str) -> Result<$t, &'static str> {
                Self::ALL.iter().copied().find(|r| r.code() == s.trim()).ok_or($msg)
            }
        }
    };
}

coded!(PassiveReason, "kies een reden voor passief wachten",
    NietGemotiveerd => ("niet-gemotiveerd", "Niet gemotiveerd"),
    NietPlaatsbaar => ("niet-plaatsbaar", "Niet plaatsbaar"),
    KlinischeOpname => ("klinische-opname", "Klinische opname"),
    Anders => ("anders", "Anders"),
);

coded!(RemovalReason, "kies een reden voor afvoeren",
    WlzIndicatie => ("wlz-indicatie", "Wlz-indicatie"),
    EldersGeplaatst => ("elders-geplaatst", "Elders geplaatst"),
    NietMeerNodig => ("niet-meer-nodig", "Niet meer nodig"),
    Vertrokken => ("vertrokken", "Vertrokken"),
    Overleden => ("overleden", "Overleden"),
    GeenContact => ("geen-contact", "Geen contact"),
    Anders => ("anders", "Anders"),
);

/// A waiting-list status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Aangemeld,
    ActiefWachtend,
    PassiefWachtend(PassiveReason),
    /// In screening with a provider.
    InScreening {
        provider_id: i64,
    },
    Geplaatst,
    Afgevoerd(RemovalReason),
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Aangemeld => "aangemeld",
            Status::ActiefWachtend => "actief-wachtend",
            Status::PassiefWachtend(_) => "passief-wachtend",
            Status::InScreening { .. } => "in-screening",
            Status::Geplaatst => "geplaatst",
            Status::Afgevoerd(_) => "afgevoerd",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Aangemeld => "Aangemeld",
            Status::ActiefWachtend => "Actief wachtend",
            Status::PassiefWachtend(_) => "Passief wachtend",
            Status::InScreening { .. } => "In screening",
            Status::Geplaatst => "Geplaatst",
            Status::Afgevoerd(_) => "Afgevoerd",
        }
    }

    /// Still on the list (counts as waiting in figures).
    pub fn is_open(self) -> bool {
        Self::code_is_open(self.code())
    }

    /// Every status code, in the order of the journey.
    pub const CODES: [&'static str; 6] = [
        "aangemeld",
        "actief-wachtend",
        "passief-wachtend",
        "in-screening",
        "geplaatst",
        "afgevoerd",
    ];

    /// Placed and removed end an entry; every other status is open.
    fn code_is_open(code: &str) -> bool {
        !matches!(code, "geplaatst" | "afgevoerd")
    }

    /// Whether a status code answers a status filter: a status code, `open`
    /// for every open status, or nothing (empty) for every status.
    fn code_matches(code: &str, filter: &str) -> bool {
        match filter {
            "" => true,
            "open" => Self::code_is_open(code),
            other => other == code,
        }
    }

    /// Whether this status answers a status filter (see `code_matches`).
    pub fn matches(self, filter: &str) -> bool {
        Self::code_matches(self.code(), filter)
    }

    /// The status codes a filter lets through; none for an unknown code.
    pub fn codes_matching(filter: &str) -> Vec<&'static str> {
        Self::CODES
            .into_iter()
            .filter(|code| Self::code_matches(code, filter))
            .collect()
    }

    /// Builds a status from its stored parts.
    pub fn from_parts(
        code: &str,
        reason: Option<&str>,
        provider_id: Option<i64>,
    ) -> Result<Status, String> {
        let need_reason = || reason.ok_or_else(|| format!("status {code} zonder reden"));
        Ok(match code {
            "aangemeld" => Status::Aangemeld,
            "actief-wachtend" => Status::ActiefWachtend,
            "passief-wachtend" => Status::PassiefWachtend(
                PassiveReason::parse(need_reason()?).map_err(str::to_string)?,
            ),
            "in-screening" => Status::InScreening {
                provider_id: provider_id.ok_or("in screening zonder aanbieder")?,
            },
            "geplaatst" => Status::Geplaatst,
            "afgevoerd" => {
                Status::Afgevoerd(RemovalReason::parse(need_reason()?).map_err(str::to_string)?)
            }
            other => return Err(format!("onbekende status {other}")),
        })
    }

    /// The reason code stored beside the status, if any.
    pub fn reason_code(self) -> Option<&'static str> {
        match self {
            Status::PassiefWachtend(r) => Some(r.code()),
            Status::Afgevoerd(r) => Some(r.code()),
            _ => None,
        }
    }

    pub fn provider_id(self) -> Option<i64> {
        match self {
            Status::InScreening { provider_id } => Some(provider_id),
            _ => None,
        }
    }
}

/// Checks a transition and its date against the current status. Refusals
/// are field errors on `status` or `ingangsdatum`, in Dutch.
pub fn check_transition(
    current: Option<(Status, NaiveDate)>,
    next: Status,
    effective: NaiveDate,
) -> Result<(), DomainError> {
    use Status::*;
    let Some((from, since)) = current else {
        return match next {
            Aangemeld | ActiefWachtend | PassiefWachtend(_) => Ok(()),
            _ => Err(DomainError::invalid(
                "status",
                "een nieuwe inschrijving begint als aangemeld, actief of passief wachtend",
            )),
        };
    };
    if effective < since {
        return Err(DomainError::invalid(
            "ingangsdatum",
            format!(
                "de ingangsdatum ligt vóór de huidige status ({} sinds {}); corrigeer die status in plaats daarvan",
                from.label().to_lowercase(),
                crate::dates::dutch_long(since)
            ),
        ));
    }
    let allowed = match (from, next) {
        (Geplaatst, _) | (Afgevoerd(_), _) => {
            return Err(DomainError::invalid(
                "status",
                format!(
                    "de inschrijving is {}; de status verandert niet meer. Schrijf de cliënt zo nodig opnieuw in.",
                    from.label().to_lowercase()
                ),
            ));
        }
        (_, Aangemeld) => false,
        (_, Afgevoerd(_)) => true,
        (Aangemeld, ActiefWachtend | PassiefWachtend(_)) => true,
        (ActiefWachtend, PassiefWachtend(_) | InScreening { .. }) => true,
        // A passive reason can change (e.g. from clinical admission to other).
        (PassiefWachtend(a), PassiefWachtend(b)) => a != b,
        (PassiefWachtend(_), ActiefWachtend) => true,
        // Screening ends in a placement, or back to waiting when declined.
        (InScreening { .. }, Geplaatst | ActiefWachtend | PassiefWachtend(_)) => true,
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        let hint = match (from, next) {
            (Aangemeld | PassiefWachtend(_), InScreening { .. }) => {
                " Zet de cliënt eerst op actief wachtend."
            }
            (Aangemeld | ActiefWachtend | PassiefWachtend(_), Geplaatst) => {
                " Een plaatsing volgt op een screening door de aanbieder."
            }
            (InScreening { .. }, InScreening { .. }) => " Rond eerst de lopende screening af.",
            (a, b) if a == b => " De cliënt heeft deze status al.",
            _ => "",
        };
        Err(DomainError::invalid(
            "status",
            format!(
                "van '{}' naar '{}' is geen geldige overgang.{hint}",
                from.label().to_lowercase(),
                next.label().to_lowercase()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ok(from: Status, to: Status) -> bool {
        check_transition(Some((from, d("2024-01-01"))), to, d("2024-02-01")).is_ok()
    }

    fn message(from: Status, to: Status) -> String {
        match check_transition(Some((from, d("2024-01-01"))), to, d("2024-02-01")) {
            Err(DomainError::Invalid(e)) => e[0].message.clone(),
            other => panic!("{other:?}"),
        }
    }

    const P: Status = InScreening { provider_id: 1 };
    const PASSIEF: Status = PassiefWachtend(PassiveReason::NietGemotiveerd);
    const WEG: Status = Afgevoerd(RemovalReason::NietMeerNodig);

    #[test]
    fn the_normal_path_from_application_to_placement_is_allowed() {
        assert!(ok(Aangemeld, ActiefWachtend));
        assert!(ok(ActiefWachtend, P));
        assert!(ok(P, Geplaatst));
    }

    #[test]
    fn active_and_passive_waiting_switch_both_ways() {
        assert!(ok(ActiefWachtend, PASSIEF));
        assert!(ok(PASSIEF, ActiefWachtend));
        assert!(ok(PASSIEF, PassiefWachtend(PassiveReason::KlinischeOpname)));
        assert!(!ok(PASSIEF, PASSIEF));
    }

    #[test]
    fn a_declined_screening_returns_to_waiting() {
        assert!(ok(P, ActiefWachtend));
        assert!(ok(P, PASSIEF));
    }

    #[test]
    fn every_open_status_can_be_removed_from_the_list() {
        for from in [Aangemeld, ActiefWachtend, PASSIEF, P] {
            assert!(ok(from, WEG), "{from:?}");
        }
    }

    #[test]
    fn placed_and_removed_are_final_and_say_so_in_dutch() {
        assert!(message(Geplaatst, ActiefWachtend).contains("verandert niet meer"));
        assert!(message(WEG, ActiefWachtend).contains("opnieuw in"));
    }

    #[test]
    fn skipping_steps_is_refused_with_a_hint() {
        assert!(message(Aangemeld, P).contains("eerst op actief wachtend"));
        assert!(message(ActiefWachtend, Geplaatst).contains("volgt op een screening"));
        assert!(message(P, InScreening { provider_id: 2 }).contains("lopende screening"));
        assert!(message(ActiefWachtend, Aangemeld).contains("geen geldige overgang"));
    }

    #[test]
    fn a_transition_cannot_take_effect_before_the_current_status() {
        let r = check_transition(
            Some((ActiefWachtend, d("2024-03-01"))),
            PASSIEF,
            d("2024-02-01"),
        );
        match r {
            Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "ingangsdatum"),
            other => panic!("{other:?}"),
        }
        // The same day is fine.
        assert!(
            check_transition(
                Some((ActiefWachtend, d("2024-03-01"))),
                PASSIEF,
                d("2024-03-01")
            )
            .is_ok()
        );
    }

    #[test]
    fn a_new_entry_starts_as_applied_or_waiting() {
        assert!(check_transition(None, Aangemeld, d("2024-01-01")).is_ok());
        assert!(check_transition(None, ActiefWachtend, d("2024-01-01")).is_ok());
        assert!(check_transition(None, Geplaatst, d("2024-01-01")).is_err());
    }

    #[test]
    fn a_status_reads_back_from_its_stored_parts() {
        for s in [Aangemeld, ActiefWachtend, PASSIEF, P, Geplaatst, WEG] {
            assert_eq!(
                Status::from_parts(s.code(), s.reason_code(), s.provider_id()).unwrap(),
                s
            );
        }
        assert!(Status::from_parts("passief-wachtend", None, None).is_err());
    }

    #[test]
    fn reasons_parse_from_their_codes() {
        for r in RemovalReason::ALL {
            assert_eq!(RemovalReason::parse(r.code()), Ok(*r));
        }
        assert!(PassiveReason::parse("verveeld").is_err());
    }
}
