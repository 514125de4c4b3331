//! Access policy: which role, in which scope, may do what. Both the pages and the
//! API ask this one function; templates only hide what it already forbids.

use crate::admin::{Actor, Role, Scope};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
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
    ViewAuditLog,
    /// Change one's own password.
    ManageOwnAccount,
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

pub fn can(actor: &Actor, action: Action) -> Decision {
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
        // The audit log is the privacy officer's (NEN 7513 § 6: access to the log
        // itself is restricted); administrators are audited, so they do not read it.
        Action::ViewAuditLog => match actor.role {
            Role::Fg => Allow,
            _ => Deny("alleen de functionaris gegevensbescherming ziet het auditlog"),
        },
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
