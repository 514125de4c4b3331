//! Access policy: which role, in which scope, may do what. Both the pages and the
//! API ask this one function; templates only hide what it already forbids.

use crate::admin::{Actor, Role, Scope};
use crate::import::TableKind;
use crate::reference::GemeenteCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Regions, municipalities, providers, products and locations (without secret addresses).
    ViewReference,
    ManageReference,
    /// Add a capacity row for a location of this provider.
    ManageCapacity {
        provider_id: i64,
    },
    /// See the street address of a location with a secret address.
    ViewSecretAddress {
        provider_id: i64,
    },
    ManageUsers,
    ManageTokens,
    /// Mint an API token with this role.
    CreateToken {
        role: Role,
    },
    ViewAuditLog,
    /// List the likely duplicates among the clients the actor sees, to
    /// merge them.
    FindDuplicates,
    /// Merge two records of one person into one, or undo such a merge
    /// (`clients::merge`); each record is checked as a change of it too.
    MergeClients,
    /// Record a request of access by the person the data are about and
    /// answer it with the export of the client's record (`privacy`).
    AnswerSubjectAccess,
    /// See which records are past their retention period and approve
    /// their anonymisation (`privacy::retention`).
    ApplyRetention,
    /// Change one's own password.
    ManageOwnAccount,
    /// See (and, for the roles that work with clients, change) a client's
    /// personal data.
    ViewClient(&'a ClientAccess<'a>),
    /// Change a client's details and address history.
    ManageClient(&'a ClientAccess<'a>),
    /// Register a new client on behalf of a municipality in a region.
    RegisterClient {
        municipality: &'a GemeenteCode,
        region_id: i64,
    },
    /// Import clients and their history from spreadsheets (for the own
    /// region; the operator at the command line for any).
    ImportClients,
    /// Import a table of this kind at all. The rows of a register are then
    /// decided one by one with the register's own action (`ManageOutflow`,
    /// `ManageTenancy`, `ManageOutreach`) for what each row names.
    ImportTable(TableKind),
    /// Register at, and record outcomes for, the central access point for
    /// shelter of this region.
    ManageShelterAccess {
        region_id: i64,
    },
    /// Record the region's Pact agreements, and the allocation or
    /// withdrawal of a nomination (the corporation-facing outflow
    /// coordination).
    ManageOutflow {
        region_id: i64,
    },
    /// Nominate a client the actor may see for a home of their own in this
    /// region, and record the aftercare; `providers` are the client's
    /// providers (`ClientAccess::providers`).
    NominateForOutflow {
        region_id: i64,
        providers: &'a [i64],
    },
    /// Record and read meldingen and trajectories of zorgcoördinatie in
    /// this region.
    ManageOutreach {
        region_id: i64,
    },
    /// See the nominations for outflow addressed to this corporation.
    ViewAddressedNominations {
        corporation_id: i64,
    },
    /// Record the allocation (address municipality, key date) of a
    /// nomination addressed to this corporation.
    RecordAllocation {
        corporation_id: i64,
    },
    /// Record and read a trajectory of Huren Onder Voorwaarden for a home in
    /// `municipality`, supported by `provider`.
    ManageTenancy {
        municipality: &'a GemeenteCode,
        provider: Option<i64>,
    },
    /// Record and change the tariffs of this region's contracts.
    ManageTariffs {
        region_id: i64,
    },
    /// Record a budget (a version of it, or an actual) of this region, or
    /// of this municipality in it.
    ManageBudget {
        region_id: i64,
        municipality: Option<&'a GemeenteCode>,
    },
}

/// What the policy needs to know about a client to decide who may see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientAccess<'a> {
    /// The municipalities involved: the one that registered the client and
    /// (from the journey on) the responsible ones.
    pub municipalities: &'a [GemeenteCode],
    /// The regions those municipalities belong to.
    pub regions: &'a [i64],
    /// Providers the client was referred to or placed with.
    pub providers: &'a [i64],
    /// Regions whose central access point for shelter registered the client.
    pub access_points: &'a [i64],
    pub restricted: bool,
    /// The actor was explicitly granted access to this restricted client.
    pub granted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(&'static str),
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        matches!(self, Decision::Allow)
    }
}

pub fn can(actor: &Actor, action: Action<'_>) -> Decision {
    use Decision::*;
    match action {
        Action::ViewReference | Action::ManageOwnAccount => Allow,
        Action::ManageReference => match actor.role {
            Role::Beheerder => Allow,
            _ => Deny("alleen een beheerder wijzigt referentiegegevens"),
        },
        Action::ManageCapacity { provider_id } => match (&actor.role, &actor.scope) {
            (Role::Beheerder, _) => Allow,
            // A provider records the places of its own locations (DESIGN.md: "records … vacancies").
            (Role::Aanbieder, Scope::Aanbieder(own)) if *own == provider_id => Allow,
            _ => Deny("u mag de capaciteit van deze locatie niet wijzigen"),
        },
        Action::ViewSecretAddress { provider_id } => match (&actor.role, &actor.scope) {
            (Role::Beheerder, _) => Allow,
            (Role::Aanbieder, Scope::Aanbieder(own)) if *own == provider_id => Allow,
            _ => Deny("dit adres is geheim"),
        },
        Action::ManageUsers | Action::ManageTokens => match actor.role {
            Role::Beheerder => Allow,
            _ => Deny("alleen een beheerder beheert gebruikers en API-tokens"),
        },
        // A token is a bearer secret the administrator holds, with no person
        // behind it who logs in: a token for a role that reads clients would
        // let the administrator, who may see no personal data (see
        // `client_access`), read BSNs after all. Separation of duties (AVG
        // art. 32, NEN 7510 A.6.1.2) therefore puts those tokens outside the
        // administrator's reach. zothuis has no approval workflow for a
        // second person, so they are minted only by the operator at the
        // command line (`zothuis token create`, the system actor), who holds
        // the database and the server already and so gains nothing by it —
        // the same split as `ImportClients`, where the command line may do
        // what no page may. Tokens for the other roles stay self-service.
        Action::CreateToken { role } => match (&actor.kind, &actor.role) {
            (crate::admin::ActorKind::System, _) => Allow,
            (_, Role::Beheerder) if !role.reads_personal_data() => Allow,
            (_, Role::Beheerder) => Deny(
                "een API-token voor een rol die persoonsgegevens ziet (wachtlijstbeheerder, Wmo-consulent, aanbieder, toegangsmedewerker, zorgcoördinator, woningcorporatie) maakt alleen de operator aan, op de opdrachtregel met 'zothuis token create'",
            ),
            _ => Deny("alleen een beheerder beheert gebruikers en API-tokens"),
        },
        // The audit log is the privacy officer's (NEN 7513 § 6: access to the log
        // itself is restricted); administrators are audited, so they do not read it.
        Action::ViewAuditLog => match actor.role {
            Role::Fg => Allow,
            _ => Deny("alleen de functionaris gegevensbescherming ziet het auditlog"),
        },
        // Who registers and corrects clients keeps their records one per
        // person (AVG art. 5 lid 1 d); the list holds personal data, so
        // only within the actor's own clients (`Services::likely_duplicates`).
        Action::FindDuplicates => match actor.role {
            Role::WmoConsulent | Role::Wachtlijstbeheerder => Allow,
            _ => Deny(
                "alleen de Wmo-consulent en de wachtlijstbeheerder zoeken dubbele registraties",
            ),
        },
        // Merging is how the duplicates found are resolved, by the same
        // roles (AVG art. 5 lid 1 d); who may change both records decides
        // (`Services::merge_clients`).
        Action::MergeClients => match actor.role {
            Role::WmoConsulent | Role::Wachtlijstbeheerder => Allow,
            _ => Deny(
                "alleen de Wmo-consulent en de wachtlijstbeheerder voegen dubbele registraties samen",
            ),
        },
        // The right of access (AVG art. 15) is answered by the privacy
        // officer (AVG art. 38-39 make the fg the person's point of contact),
        // who otherwise sees no personal data: only on a recorded request,
        // for a client of their region (`Services::subject_access_export`).
        // The privacy officer supervises the processing (AVG art. 39) and
        // approves what ends it; the list shows client numbers and dates,
        // never personal details (`Services::retention_due`).
        Action::ApplyRetention => regional_privacy_officer(
            actor,
            "bewaartermijnen past de functionaris gegevensbescherming van de regio of van de hele installatie toe",
            "alleen de functionaris gegevensbescherming past bewaartermijnen toe",
        ),
        Action::AnswerSubjectAccess => regional_privacy_officer(
            actor,
            "inzageverzoeken beantwoordt de functionaris gegevensbescherming van de regio of van de hele installatie",
            "alleen de functionaris gegevensbescherming legt inzageverzoeken vast en beantwoordt ze",
        ),
        Action::ViewClient(c) => client_access(actor, c, true),
        Action::ManageClient(c) => client_access(actor, c, false),
        Action::RegisterClient {
            municipality,
            region_id,
        } => match (&actor.role, &actor.scope) {
            (Role::WmoConsulent, Scope::Gemeente(own)) if own == municipality => Allow,
            (Role::Wachtlijstbeheerder, Scope::Regio(own)) if *own == region_id => Allow,
            // The access point registers who turns up, for a municipality of
            // its region (usually the centrumgemeente that runs it).
            (Role::Toegangsmedewerker, Scope::Regio(own)) if *own == region_id => Allow,
            (Role::WmoConsulent | Role::Wachtlijstbeheerder | Role::Toegangsmedewerker, _) => {
                Deny("u kunt alleen cliënten registreren voor uw eigen gemeente of regio")
            }
            _ => Deny("uw rol registreert geen cliënten"),
        },
        // The access point of a region is run by its own staff (DESIGN.md
        // "Who uses it"; issue: Brede Centrale Toegang).
        Action::ManageShelterAccess { region_id } => match (&actor.role, &actor.scope) {
            (Role::Toegangsmedewerker, Scope::Regio(own)) if *own == region_id => Allow,
            (Role::Toegangsmedewerker, _) => {
                Deny("deze melding hoort bij de centrale toegang van een andere regio")
            }
            _ => Deny("alleen de centrale toegang registreert meldingen voor de opvang"),
        },
        // The regional waiting-list manager also coordinates outflow from
        // care (Gooi en Vechtstreek 2024, measure 13: the regional manager
        // runs "door- en uitstroom"; Velsen 6.4: the Pact is regional). It
        // deals with the corporations; they see nothing of the care.
        Action::ManageOutflow { region_id } => match (&actor.role, &actor.scope) {
            (Role::Wachtlijstbeheerder, Scope::Regio(own)) if *own == region_id => Allow,
            (Role::Wachtlijstbeheerder, _) => {
                Deny("het Pact voor uitstroom van een andere regio beheert u niet")
            }
            _ => Deny(
                "alleen de wachtlijstbeheerder van de regio legt Pact-afspraken, toewijzingen en intrekkingen vast",
            ),
        },
        // Care providers nominate the clients they care for (the Pact's
        // nominations come from the providers) and give the aftercare.
        Action::NominateForOutflow {
            region_id,
            providers,
        } => match (&actor.role, &actor.scope) {
            (Role::Wachtlijstbeheerder, Scope::Regio(own)) if *own == region_id => Allow,
            (Role::Aanbieder, Scope::Aanbieder(own)) if providers.contains(own) => Allow,
            (Role::Wachtlijstbeheerder | Role::Aanbieder, _) => {
                Deny("u draagt alleen uw eigen cliënten voor, in uw eigen regio")
            }
            _ => Deny("alleen een aanbieder of de wachtlijstbeheerder draagt cliënten voor"),
        },
        // The outreach team's register is its own: the people in it are
        // mostly not clients, and nobody else needs to know who was reported
        // (AVG art. 5 lid 1 c, art. 9); others see its figures.
        Action::ManageOutreach { region_id } => match (&actor.role, &actor.scope) {
            (Role::Zorgcoordinator, Scope::Regio(own)) if *own == region_id => Allow,
            (Role::Zorgcoordinator, _) => {
                Deny("dit traject hoort bij het team van een andere regio")
            }
            _ => Deny(
                "alleen het team zorgcoördinatie van de regio ziet en registreert meldingen en trajecten",
            ),
        },
        // A corporation's staff see the candidates offered to it: the
        // Pact's matching needs who and where, not the care (AVG art. 5
        // lid 1 c).
        Action::ViewAddressedNominations { corporation_id } => match (&actor.role, &actor.scope) {
            (Role::Corporatie, Scope::Corporatie(own)) if *own == corporation_id => Allow,
            (Role::Corporatie, _) => Deny("deze voordracht is niet aan uw corporatie gericht"),
            _ => Deny("alleen de corporatie ziet de voordrachten die aan haar zijn gericht"),
        },
        // The corporation allocates the home (Pact voor uitstroom: the
        // corporations offer the homes); it records where and when itself,
        // so the region's outflow coordination need not retype it. The
        // coordination can still correct or withdraw (`ManageOutflow`).
        Action::RecordAllocation { corporation_id } => match (&actor.role, &actor.scope) {
            (Role::Corporatie, Scope::Corporatie(own)) if *own == corporation_id => Allow,
            (Role::Corporatie, _) => Deny("deze voordracht is niet aan uw corporatie gericht"),
            _ => Deny("alleen de corporatie legt haar eigen toewijzing vast"),
        },
        // The covenant partners of HOV (Gooi en Vechtstreek 2024, measure
        // 22): the municipality keeps process control, so its Wmo
        // consultants record the trajectories of homes in it; the provider
        // giving the support records and reads the ones it supports. The
        // corporation has no account; others see the figures.
        Action::ManageTenancy {
            municipality,
            provider,
        } => match (&actor.role, &actor.scope) {
            (Role::WmoConsulent, Scope::Gemeente(own)) if own == municipality => Allow,
            (Role::Aanbieder, Scope::Aanbieder(own)) if provider == Some(*own) => Allow,
            (Role::WmoConsulent, _) => {
                Deny("dit HOV-traject hoort bij een woning in een andere gemeente")
            }
            (Role::Aanbieder, _) => Deny("u begeleidt dit HOV-traject niet"),
            _ => Deny(
                "alleen de Wmo-consulent van de gemeente en de begeleidende aanbieder leggen HOV-trajecten vast",
            ),
        },
        // Tariffs are the region's contracts with its providers (Velsen 6.2 c:
        // the region procures BW and MO together), kept by its finance
        // officer; a municipality's finance officer reads them.
        Action::ManageTariffs { region_id } => match (&actor.role, &actor.scope) {
            (Role::FinancieelAdviseur, Scope::Regio(own)) if *own == region_id => Allow,
            (Role::FinancieelAdviseur, Scope::Regio(_)) => {
                Deny("de tarieven van een andere regio beheert u niet")
            }
            _ => Deny("alleen de financieel adviseur van de regio legt tarieven vast"),
        },
        // A region's budget (the GO BW's) is kept by the region's finance
        // officer, who also sets the budgets it makes available to its
        // municipalities; a municipality's finance officer keeps its own.
        Action::ManageBudget {
            region_id,
            municipality,
        } => match (&actor.role, &actor.scope, municipality) {
            (Role::FinancieelAdviseur, Scope::Regio(own), _) if *own == region_id => Allow,
            (Role::FinancieelAdviseur, Scope::Gemeente(own), Some(m)) if own == m => Allow,
            (Role::FinancieelAdviseur, _, _) => {
                Deny("deze begroting hoort bij een andere regio of gemeente")
            }
            _ => Deny("alleen de financieel adviseur legt begrotingen en realisaties vast"),
        },
        Action::ImportClients => match (&actor.kind, &actor.role, &actor.scope) {
            (crate::admin::ActorKind::System, _, _) => Allow,
            (_, Role::Wachtlijstbeheerder, Scope::Regio(_)) => Allow,
            _ => Deny("alleen de wachtlijstbeheerder van de regio importeert cliënten"),
        },
        // A register is imported by whoever keeps it on its screens, and by
        // nobody else: the operator at the command line imports clients
        // only, since the registers' actions do not let the system actor in
        // either. The roles here are those their actions allow in some
        // scope of their own.
        Action::ImportTable(table) => match table {
            TableKind::Clienten
            | TableKind::Adressen
            | TableKind::Beschikkingen
            | TableKind::Wachtlijst
            | TableKind::Verblijven
            | TableKind::Toegangsmeldingen
            | TableKind::Voordrachten => can(actor, Action::ImportClients),
            TableKind::PactAfspraken => match (&actor.role, &actor.scope) {
                (Role::Wachtlijstbeheerder, Scope::Regio(_)) => Allow,
                _ => Deny("alleen de wachtlijstbeheerder van de regio importeert Pact-afspraken"),
            },
            TableKind::HovTrajecten => match (&actor.role, &actor.scope) {
                (Role::WmoConsulent, Scope::Gemeente(_))
                | (Role::Aanbieder, Scope::Aanbieder(_)) => Allow,
                _ => Deny(
                    "alleen de Wmo-consulent van de gemeente en de begeleidende aanbieder importeren HOV-trajecten",
                ),
            },
            TableKind::ZorgcoordinatieTrajecten | TableKind::ZorgcoordinatieMeldingen => {
                match (&actor.role, &actor.scope) {
                    (Role::Zorgcoordinator, Scope::Regio(_)) => Allow,
                    _ => Deny(
                        "alleen het team zorgcoördinatie van de regio importeert zijn register",
                    ),
                }
            }
        },
    }
}

/// Whether the actor may import any table at all: who is offered the
/// import page.
pub fn may_import(actor: &Actor) -> bool {
    TableKind::ALL
        .into_iter()
        .any(|t| can(actor, Action::ImportTable(t)).is_allowed())
}

/// The privacy officer of a region or of the whole installation (not of
/// one municipality): `scope` says why another fg may not, `role` why
/// another role may not.
fn regional_privacy_officer(actor: &Actor, scope: &'static str, role: &'static str) -> Decision {
    match (&actor.role, &actor.scope) {
        (Role::Fg, Scope::Regio(_) | Scope::Installatie) => Decision::Allow,
        (Role::Fg, _) => Decision::Deny(scope),
        _ => Decision::Deny(role),
    }
}

/// Personal data is seen only by the roles that work with clients, each in its
/// own scope (AVG art. 5 lid 1 c, data minimisation; art. 9 for health data).
/// Policy roles, administrators and the privacy officer see none; a
/// restricted client (vrouwenopvang) only those explicitly granted.
fn client_access(actor: &Actor, c: &ClientAccess<'_>, reading: bool) -> Decision {
    use Decision::*;
    if c.restricted && !c.granted {
        return Deny("deze cliënt is afgeschermd");
    }
    let in_scope = match (&actor.role, &actor.scope) {
        (Role::WmoConsulent, Scope::Gemeente(own)) => c.municipalities.contains(own),
        (Role::Wachtlijstbeheerder, Scope::Regio(own)) => c.regions.contains(own),
        // Providers see the clients referred to or placed with them, but do
        // not change their personal details.
        (Role::Aanbieder, Scope::Aanbieder(own)) => reading && c.providers.contains(own),
        // The access point sees the people it registered itself, not the
        // region's other clients (AVG art. 5 lid 1 c).
        (Role::Toegangsmedewerker, Scope::Regio(own)) => c.access_points.contains(own),
        _ => return Deny("uw rol heeft geen toegang tot persoonsgegevens van cliënten"),
    };
    if in_scope {
        Allow
    } else {
        Deny("deze cliënt valt buiten uw werkgebied")
    }
}

/// Whether the store's link of the actor's scope (`store::ClientLink`) is
/// exactly the in-scope condition of `client_access`, so that a client read
/// through that link is readable unless restricted without a grant. True for
/// every role that sees clients: for the waitlist manager and the consultant
/// the link is the municipality of registration, of an application or of a
/// decision's responsibility, the same municipalities (and their regions)
/// the access facts hold; for a provider the referrals not corrected away
/// and the stays' versions in force, the providers the access facts hold;
/// for the access point its registrations.
/// The store conformance suite checks the equivalence client by client.
pub fn link_is_scope(actor: &Actor) -> bool {
    matches!(
        (&actor.role, &actor.scope),
        (Role::WmoConsulent, Scope::Gemeente(_))
            | (Role::Wachtlijstbeheerder, Scope::Regio(_))
            | (Role::Aanbieder, Scope::Aanbieder(_))
            | (Role::Toegangsmedewerker, Scope::Regio(_))
    )
}

impl Role {
    /// The roles that see clients' personal data, each in its own scope:
    /// exactly those `client_access` lets through.
    /// The roles that see personal data of any register: those that see
    /// clients, and the outreach team, whose register holds people who are
    /// mostly not clients. Tokens for them are minted by the operator only.
    pub fn reads_personal_data(self) -> bool {
        self.reads_client_data() || matches!(self, Role::Zorgcoordinator | Role::Corporatie)
    }

    pub fn reads_client_data(self) -> bool {
        matches!(
            self,
            Role::WmoConsulent
                | Role::Wachtlijstbeheerder
                | Role::Aanbieder
                | Role::Toegangsmedewerker
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::ActorKind;

    fn actor(role: Role, scope: Scope) -> Actor {
        Actor {
            kind: ActorKind::User,
            id: 1,
            name: "t".into(),
            role,
            scope,
        }
    }

    #[test]
    fn only_an_administrator_manages_reference_data_and_users() {
        for role in Role::ALL {
            let a = actor(role, Scope::Installatie);
            let expect = role == Role::Beheerder;
            assert_eq!(
                can(&a, Action::ManageReference).is_allowed(),
                expect,
                "{role}"
            );
            assert_eq!(can(&a, Action::ManageUsers).is_allowed(), expect, "{role}");
        }
    }

    #[test]
    fn a_provider_manages_capacity_of_its_own_locations_only() {
        let a = actor(Role::Aanbieder, Scope::Aanbieder(5));
        assert!(can(&a, Action::ManageCapacity { provider_id: 5 }).is_allowed());
        assert!(!can(&a, Action::ManageCapacity { provider_id: 6 }).is_allowed());
    }

    #[test]
    fn only_those_who_register_clients_look_for_duplicates() {
        for role in Role::ALL {
            let a = actor(role, Scope::Regio(1));
            assert_eq!(
                can(&a, Action::FindDuplicates).is_allowed(),
                matches!(role, Role::WmoConsulent | Role::Wachtlijstbeheerder),
                "{role}"
            );
        }
    }

    #[test]
    fn only_those_who_look_for_duplicates_merge_them() {
        for role in Role::ALL {
            let a = actor(role, Scope::Regio(1));
            assert_eq!(
                can(&a, Action::MergeClients).is_allowed(),
                can(&a, Action::FindDuplicates).is_allowed(),
                "{role}"
            );
        }
    }

    #[test]
    fn only_the_privacy_officer_of_a_region_answers_subject_access_and_applies_retention() {
        for role in Role::ALL {
            for scope in [
                Scope::Regio(1),
                Scope::Installatie,
                Scope::Gemeente(gm("GM0406")),
            ] {
                let a = actor(role, scope.clone());
                for action in [Action::AnswerSubjectAccess, Action::ApplyRetention] {
                    assert_eq!(
                        can(&a, action).is_allowed(),
                        role == Role::Fg && !matches!(scope, Scope::Gemeente(_)),
                        "{role} {scope:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn only_the_privacy_officer_reads_the_audit_log() {
        for role in Role::ALL {
            let a = actor(role, Scope::Regio(1));
            assert_eq!(
                can(&a, Action::ViewAuditLog).is_allowed(),
                role == Role::Fg,
                "{role}"
            );
        }
    }

    fn gm(c: &str) -> GemeenteCode {
        GemeenteCode::parse(c).unwrap()
    }

    #[test]
    fn a_consultant_sees_clients_of_their_own_municipality_only() {
        let huizen = actor(Role::WmoConsulent, Scope::Gemeente(gm("GM0406")));
        let ms = [gm("GM0402")];
        let c = ClientAccess {
            municipalities: &ms,
            regions: &[1],
            ..Default::default()
        };
        assert!(!can(&huizen, Action::ViewClient(&c)).is_allowed());
        let ms = [gm("GM0402"), gm("GM0406")];
        let c = ClientAccess {
            municipalities: &ms,
            regions: &[1],
            ..Default::default()
        };
        assert!(can(&huizen, Action::ViewClient(&c)).is_allowed());
    }

    #[test]
    fn policy_roles_and_the_administrator_see_no_personal_data() {
        let ms = [gm("GM0406")];
        let c = ClientAccess {
            municipalities: &ms,
            regions: &[1],
            ..Default::default()
        };
        for role in [
            Role::Beheerder,
            Role::Beleidsadviseur,
            Role::Bestuurder,
            Role::Fg,
        ] {
            let a = actor(role, Scope::Regio(1));
            assert!(!can(&a, Action::ViewClient(&c)).is_allowed(), "{role}");
        }
    }

    #[test]
    fn a_restricted_client_needs_an_explicit_grant() {
        let manager = actor(Role::Wachtlijstbeheerder, Scope::Regio(1));
        let ms = [gm("GM0406")];
        let mut c = ClientAccess {
            municipalities: &ms,
            regions: &[1],
            restricted: true,
            ..Default::default()
        };
        assert!(!can(&manager, Action::ViewClient(&c)).is_allowed());
        c.granted = true;
        assert!(can(&manager, Action::ViewClient(&c)).is_allowed());
    }

    #[test]
    fn a_provider_reads_its_own_clients_but_does_not_edit_them() {
        let p = actor(Role::Aanbieder, Scope::Aanbieder(3));
        let c = ClientAccess {
            providers: &[3],
            ..Default::default()
        };
        assert!(can(&p, Action::ViewClient(&c)).is_allowed());
        assert!(!can(&p, Action::ManageClient(&c)).is_allowed());
    }

    #[test]
    fn outflow_and_outreach_belong_to_their_own_region_and_roles() {
        let manager = actor(Role::Wachtlijstbeheerder, Scope::Regio(1));
        let provider = actor(Role::Aanbieder, Scope::Aanbieder(2));
        let team = actor(Role::Zorgcoordinator, Scope::Regio(1));
        let policy = actor(Role::Beleidsadviseur, Scope::Regio(1));
        let outflow = |region_id| Action::ManageOutflow { region_id };
        assert!(can(&manager, outflow(1)).is_allowed());
        assert!(!can(&manager, outflow(2)).is_allowed());
        assert!(!can(&provider, outflow(1)).is_allowed());
        let nominate = |providers: &'static [i64]| Action::NominateForOutflow {
            region_id: 1,
            providers,
        };
        assert!(can(&provider, nominate(&[2])).is_allowed());
        assert!(!can(&provider, nominate(&[3])).is_allowed());
        assert!(can(&manager, nominate(&[])).is_allowed());
        assert!(!can(&policy, nominate(&[2])).is_allowed());
        let outreach = |region_id| Action::ManageOutreach { region_id };
        assert!(can(&team, outreach(1)).is_allowed());
        assert!(!can(&team, outreach(2)).is_allowed());
        for other in [&manager, &provider, &policy] {
            assert!(!can(other, outreach(1)).is_allowed());
        }
        let gooi = GemeenteCode::parse("GM0406").unwrap();
        let elsewhere = GemeenteCode::parse("GM0402").unwrap();
        let consultant = actor(Role::WmoConsulent, Scope::Gemeente(gooi.clone()));
        let tenancy = |municipality, provider| Action::ManageTenancy {
            municipality,
            provider,
        };
        assert!(can(&consultant, tenancy(&gooi, None)).is_allowed());
        assert!(!can(&consultant, tenancy(&elsewhere, Some(2))).is_allowed());
        assert!(can(&provider, tenancy(&elsewhere, Some(2))).is_allowed());
        assert!(!can(&provider, tenancy(&gooi, Some(3))).is_allowed());
        assert!(!can(&provider, tenancy(&gooi, None)).is_allowed());
        for other in [&manager, &team, &policy] {
            assert!(!can(other, tenancy(&gooi, Some(2))).is_allowed());
        }
        // A corporation sees the nominations addressed to it, no client
        // record and no figures.
        let corporation = actor(Role::Corporatie, Scope::Corporatie(7));
        let addressed = |corporation_id| Action::ViewAddressedNominations { corporation_id };
        assert!(can(&corporation, addressed(7)).is_allowed());
        assert!(!can(&corporation, addressed(8)).is_allowed());
        for other in [&manager, &provider, &policy, &team] {
            assert!(!can(other, addressed(7)).is_allowed());
        }
        let allocate = |corporation_id| Action::RecordAllocation { corporation_id };
        assert!(can(&corporation, allocate(7)).is_allowed());
        assert!(!can(&corporation, allocate(8)).is_allowed());
        for other in [&manager, &provider, &policy, &team] {
            assert!(!can(other, allocate(7)).is_allowed());
        }
        assert!(!can(&corporation, outflow(1)).is_allowed());
        assert!(!can(&corporation, nominate(&[])).is_allowed());
        assert!(!Role::Corporatie.reads_client_data());
        assert!(Role::Corporatie.reads_personal_data());
        assert!(figure_view(&corporation).is_err());
        // The outreach team sees no client data, and figures as aggregates.
        assert!(!Role::Zorgcoordinator.reads_client_data());
        assert!(figure_view(&team).unwrap().suppressed);
    }

    #[test]
    fn each_table_is_imported_by_the_keeper_of_its_register_only() {
        use crate::admin::ActorKind;
        let gooi = GemeenteCode::parse("GM0406").unwrap();
        let manager = actor(Role::Wachtlijstbeheerder, Scope::Regio(1));
        let consultant = actor(Role::WmoConsulent, Scope::Gemeente(gooi));
        let provider = actor(Role::Aanbieder, Scope::Aanbieder(2));
        let team = actor(Role::Zorgcoordinator, Scope::Regio(1));
        let policy = actor(Role::Beleidsadviseur, Scope::Regio(1));
        let operator = Actor::system("cli");
        let may = |a: &Actor, t| can(a, Action::ImportTable(t)).is_allowed();
        for t in TableKind::ALL {
            let keepers: Vec<&Actor> =
                [&manager, &consultant, &provider, &team, &policy, &operator]
                    .into_iter()
                    .filter(|a| may(a, t))
                    .collect();
            let expected: Vec<&Actor> = match t {
                TableKind::PactAfspraken => vec![&manager],
                TableKind::HovTrajecten => vec![&consultant, &provider],
                TableKind::ZorgcoordinatieTrajecten | TableKind::ZorgcoordinatieMeldingen => {
                    vec![&team]
                }
                _ => vec![&manager, &operator],
            };
            assert_eq!(keepers, expected, "{}", t.name());
        }
        // Whoever may import a register passes its own action in its own
        // scope; the rows then decide what is theirs.
        assert!(can(&manager, Action::ManageOutflow { region_id: 1 }).is_allowed());
        assert!(can(&team, Action::ManageOutreach { region_id: 1 }).is_allowed());
        assert!(!can(&operator, Action::ManageOutreach { region_id: 1 }).is_allowed());
        assert_eq!(operator.kind, ActorKind::System);
        for a in [&manager, &consultant, &provider, &team] {
            assert!(may_import(a));
        }
        assert!(!may_import(&policy));
        assert!(!may_import(&actor(Role::Fg, Scope::Regio(1))));
    }

    #[test]
    fn a_secret_address_is_hidden_from_other_providers_and_policy_roles() {
        let own = actor(Role::Aanbieder, Scope::Aanbieder(2));
        let other = actor(Role::Aanbieder, Scope::Aanbieder(3));
        let policy = actor(Role::Beleidsadviseur, Scope::Regio(1));
        assert!(can(&own, Action::ViewSecretAddress { provider_id: 2 }).is_allowed());
        assert!(!can(&other, Action::ViewSecretAddress { provider_id: 2 }).is_allowed());
        assert!(!can(&policy, Action::ViewSecretAddress { provider_id: 2 }).is_allowed());
    }
}

/// Whose figures an actor sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureScope {
    All,
    Region(i64),
    Municipality(GemeenteCode),
    Provider(i64),
}

/// What an actor may see of the figures: the area, and whether small
/// numbers are hidden (DESIGN.md "Small numbers are suppressed for
/// aggregate-only roles").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureView {
    pub scope: FigureScope,
    pub suppressed: bool,
}

/// The waitlist manager, consultants and providers work with the clients
/// behind the figures and see them unsuppressed, each for their own area;
/// policy advisers, directors, the privacy officer and the access point see
/// aggregates only.
/// The technical administrator sees no care figures.
pub fn figure_view(actor: &Actor) -> Result<FigureView, &'static str> {
    const NO_CARE_FIGURES: &str = "een woningcorporatie ziet geen zorgcijfers";
    let scope = match &actor.scope {
        Scope::Installatie => FigureScope::All,
        Scope::Regio(id) => FigureScope::Region(*id),
        Scope::Gemeente(code) => FigureScope::Municipality(code.clone()),
        Scope::Aanbieder(id) => FigureScope::Provider(*id),
        Scope::Corporatie(_) => return Err(NO_CARE_FIGURES),
    };
    let suppressed = match actor.role {
        Role::Beheerder => return Err("een beheerder ziet geen zorgcijfers"),
        // A corporation sees the nominations addressed to it, nothing of
        // the care behind them.
        Role::Corporatie => return Err(NO_CARE_FIGURES),
        Role::Wachtlijstbeheerder | Role::WmoConsulent | Role::Aanbieder => false,
        // The access point sees its own registrations, not the region's
        // other clients behind the figures: aggregates only, as policy roles.
        // The outreach team, likewise: its register, and the figures.
        Role::Beleidsadviseur
        | Role::Bestuurder
        | Role::Fg
        | Role::Toegangsmedewerker
        | Role::Zorgcoordinator
        | Role::FinancieelAdviseur => true,
    };
    Ok(FigureView { scope, suppressed })
}

/// What an actor may see of the money: the area, and whether an amount over
/// fewer people than the small-number threshold is hidden. The finance
/// officer works with the amounts per municipality and product and sees
/// them whole; the waitlist manager, consultants and providers too, as they
/// see the clients behind them; policy roles and the board see aggregates
/// with small amounts protected (issue 15: "a cell of 1–4 clients"). Who
/// sees no care figures sees no care costs either.
pub fn cost_view(actor: &Actor) -> Result<FigureView, &'static str> {
    let mut view = figure_view(actor)?;
    if actor.role == Role::FinancieelAdviseur {
        view.suppressed = false;
    }
    Ok(view)
}

/// Who sees budgets, and how: who sees the cost of care, bar a provider
/// (a budget is a region's or a municipality's, not a provider's). The
/// service narrows the area to the budgets of the viewer's own region or
/// municipality.
pub fn budget_view(actor: &Actor) -> Result<FigureView, &'static str> {
    let view = cost_view(actor)?;
    match view.scope {
        FigureScope::Provider(_) => Err("een aanbieder ziet geen begrotingen"),
        _ => Ok(view),
    }
}

/// Whose settlement statements an actor sees: the financial adviser of a
/// region every municipality's line, the adviser of a municipality its
/// own line beside the region's totals (what it pays or receives, and
/// why). Statements are amounts per municipality without small-number
/// protection, so no other role sees them; policy roles see the cost of
/// care with that protection (`cost_view`).
pub fn settlement_view(actor: &Actor) -> Result<SettlementArea, &'static str> {
    match (&actor.role, &actor.scope) {
        (Role::FinancieelAdviseur, Scope::Regio(id)) => Ok(SettlementArea::Region(*id)),
        (Role::FinancieelAdviseur, Scope::Gemeente(code)) => {
            Ok(SettlementArea::Municipality(code.clone()))
        }
        _ => Err("alleen de financieel adviseur ziet verrekeningen en verdeelsleutels"),
    }
}

/// See `settlement_view`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettlementArea {
    Region(i64),
    Municipality(GemeenteCode),
}

/// Whose tariffs an actor sees. Tariffs are contract prices: the region's
/// own roles see those of their region, a provider only its own and the
/// general ones, a corporation none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TariffArea {
    All,
    Region(i64),
    RegionOf(GemeenteCode),
    Provider(i64),
}

pub fn tariff_area(actor: &Actor) -> Result<TariffArea, &'static str> {
    match &actor.scope {
        Scope::Installatie => Ok(TariffArea::All),
        Scope::Regio(id) => Ok(TariffArea::Region(*id)),
        Scope::Gemeente(code) => Ok(TariffArea::RegionOf(code.clone())),
        Scope::Aanbieder(id) => Ok(TariffArea::Provider(*id)),
        Scope::Corporatie(_) => Err("een woningcorporatie ziet geen tarieven"),
    }
}

/// Whose places (capacity and occupancy per location) an actor sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlacesArea {
    /// The locations in the municipalities of this region.
    Region(i64),
    /// The locations in the region of this municipality.
    RegionOf(GemeenteCode),
    /// The provider's own locations, wherever they are.
    Provider(i64),
}

/// Occupancy per location is for those who place clients, each for the
/// places they place in: the waitlist manager the region's, a consultant
/// those of the region the municipality refers its residents to (DESIGN.md:
/// access is regional, the centrumgemeente's places serve the region), a
/// provider its own. Aggregate-only roles see occupancy in the figures,
/// where small numbers are protected: an unprotected count of 1–4 at a
/// women's shelter location would point at its residents.
pub fn places_area(actor: &Actor) -> Result<PlacesArea, &'static str> {
    match (&actor.role, &actor.scope) {
        (Role::Wachtlijstbeheerder, Scope::Regio(r)) => Ok(PlacesArea::Region(*r)),
        (Role::WmoConsulent, Scope::Gemeente(g)) => Ok(PlacesArea::RegionOf(g.clone())),
        (Role::Aanbieder, Scope::Aanbieder(p)) => Ok(PlacesArea::Provider(*p)),
        _ => Err("de bezetting per locatie is er voor wie cliënten plaatst; \
             u ziet de bezetting in de cijfers, met bescherming van kleine aantallen"),
    }
}

/// Who loads and edits the policy plan of a region: its policy advisers
/// (and the operator at the command line).
pub fn may_manage_plan(actor: &Actor, region_id: i64) -> Result<(), &'static str> {
    match (&actor.role, &actor.scope) {
        (_, _) if actor.kind == crate::admin::ActorKind::System => Ok(()),
        (Role::Beleidsadviseur, Scope::Regio(own)) if *own == region_id => Ok(()),
        (Role::Beleidsadviseur, _) => Err("u beheert alleen het beleidsplan van uw eigen regio"),
        _ => Err("alleen een beleidsadviseur van de regio beheert het beleidsplan"),
    }
}

#[cfg(test)]
mod plan_and_figure_tests {
    use super::*;
    use crate::admin::ActorKind;

    fn actor(role: Role, scope: Scope) -> Actor {
        Actor {
            kind: ActorKind::User,
            id: 1,
            name: "test".into(),
            role,
            scope,
        }
    }

    #[test]
    fn places_are_seen_by_those_who_place_each_in_their_own_area() {
        let huizen = GemeenteCode::parse("GM0406").unwrap();
        assert_eq!(
            places_area(&actor(Role::Wachtlijstbeheerder, Scope::Regio(1))),
            Ok(PlacesArea::Region(1))
        );
        assert_eq!(
            places_area(&actor(Role::WmoConsulent, Scope::Gemeente(huizen.clone()))),
            Ok(PlacesArea::RegionOf(huizen))
        );
        assert_eq!(
            places_area(&actor(Role::Aanbieder, Scope::Aanbieder(3))),
            Ok(PlacesArea::Provider(3))
        );
        for role in [
            Role::Beleidsadviseur,
            Role::Bestuurder,
            Role::Fg,
            Role::Beheerder,
        ] {
            assert!(places_area(&actor(role, Scope::Regio(1))).is_err());
        }
        assert!(places_area(&actor(Role::Wachtlijstbeheerder, Scope::Installatie)).is_err());
    }

    #[test]
    fn only_the_regions_policy_adviser_manages_its_plan() {
        assert!(may_manage_plan(&actor(Role::Beleidsadviseur, Scope::Regio(1)), 1).is_ok());
        assert!(may_manage_plan(&actor(Role::Beleidsadviseur, Scope::Regio(2)), 1).is_err());
        assert!(may_manage_plan(&actor(Role::Wachtlijstbeheerder, Scope::Regio(1)), 1).is_err());
        assert!(may_manage_plan(&actor(Role::Beheerder, Scope::Installatie), 1).is_err());
    }

    #[test]
    fn budgets_are_seen_by_who_sees_the_cost_of_care_bar_a_provider() {
        let huizen = GemeenteCode::parse("GM0406").unwrap();
        let officer = budget_view(&actor(Role::FinancieelAdviseur, Scope::Regio(1))).unwrap();
        assert_eq!(officer.scope, FigureScope::Region(1));
        assert!(!officer.suppressed);
        let adviser = budget_view(&actor(
            Role::Beleidsadviseur,
            Scope::Gemeente(huizen.clone()),
        ))
        .unwrap();
        assert_eq!(adviser.scope, FigureScope::Municipality(huizen));
        assert!(adviser.suppressed);
        assert!(budget_view(&actor(Role::Aanbieder, Scope::Aanbieder(3))).is_err());
        assert!(budget_view(&actor(Role::Corporatie, Scope::Corporatie(1))).is_err());
        assert!(budget_view(&actor(Role::Beheerder, Scope::Installatie)).is_err());
    }

    #[test]
    fn figures_are_suppressed_for_aggregate_roles_only() {
        let view = |r, s| figure_view(&actor(r, s));
        assert!(
            view(Role::Beleidsadviseur, Scope::Regio(1))
                .unwrap()
                .suppressed
        );
        assert!(view(Role::Bestuurder, Scope::Regio(1)).unwrap().suppressed);
        assert!(
            !view(Role::Wachtlijstbeheerder, Scope::Regio(1))
                .unwrap()
                .suppressed
        );
        assert!(view(Role::Beheerder, Scope::Installatie).is_err());
    }

    #[test]
    fn the_roles_that_read_client_data_are_exactly_those_client_access_lets_in() {
        let gm = GemeenteCode::parse("GM0402").unwrap();
        let client = ClientAccess {
            municipalities: std::slice::from_ref(&gm),
            regions: &[7],
            providers: &[3],
            access_points: &[7],
            restricted: false,
            granted: false,
        };
        for role in Role::ALL {
            for scope in [
                Scope::Installatie,
                Scope::Regio(7),
                Scope::Gemeente(gm.clone()),
                Scope::Aanbieder(3),
            ] {
                if !role.allowed_scopes().contains(&scope.kind()) {
                    continue;
                }
                let a = actor(role, scope);
                assert_eq!(
                    can(&a, Action::ViewClient(&client)).is_allowed(),
                    role.reads_client_data(),
                    "{role}"
                );
            }
        }
    }

    #[test]
    fn an_administrator_mints_tokens_only_for_roles_without_personal_data() {
        let admin = actor(Role::Beheerder, Scope::Installatie);
        let operator = Actor::system("cli");
        assert!(
            !can(
                &admin,
                Action::CreateToken {
                    role: Role::Zorgcoordinator
                }
            )
            .is_allowed()
        );
        for role in Role::ALL {
            assert_eq!(
                can(&admin, Action::CreateToken { role }).is_allowed(),
                !role.reads_personal_data(),
                "{role}"
            );
            assert!(can(&operator, Action::CreateToken { role }).is_allowed());
            let other = actor(Role::Fg, Scope::Regio(1));
            assert!(!can(&other, Action::CreateToken { role }).is_allowed());
        }
    }
}
