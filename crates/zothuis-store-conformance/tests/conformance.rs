//! Every store method, on every backend: the same cases against SQLite and
//! (when `ZOTHUIS_TEST_POSTGRES_URL` is set) PostgreSQL, each on a fresh
//! database that is removed afterwards. The cases speak to the store traits
//! only; the demo data (loaded through the services, as in production) gives
//! them a realistic world to work in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use std::sync::Arc;
use zothuis_domain::access::{ApplicationData, DecisionInput, DecisionRecord, Source};
use zothuis_domain::admin::{RequestContext, Role, Scope, UserData};
use zothuis_domain::audit::{AuditAction, AuditDraft, ChainVerifier, ObjectType};
use zothuis_domain::care::{
    ExitInput, ScreeningInput, StayFacts, StayHeader, StayVersion, stay_at, stays_at,
};
use zothuis_domain::clients::{AddressInput, Bsn, ClientInput};
use zothuis_domain::clock::FixedClock;
use zothuis_domain::history;
use zothuis_domain::paging::PageRequest;
use zothuis_domain::reference::*;
use zothuis_domain::store::{
    AuditFilter, ClientLink, Clients, ListKey, NewStay, NewTokenRecord, ScreeningFilter, Store,
};
use zothuis_domain::waitlist::TransitionInput;
use zothuis_domain::waitlist::review::ReviewOutcome;
use zothuis_domain::{DomainError, Services};
use zothuis_testkit::db::TestDatabase;

/// A store with the demo's reference data and users, on each backend.
struct World {
    db: TestDatabase,
    services: Services,
    clock: Arc<FixedClock>,
}

impl World {
    fn store(&self) -> &dyn Store {
        self.db.store.as_ref()
    }

    fn now(&self) -> DateTime<Utc> {
        use zothuis_domain::clock::Clock;
        self.clock.now_micros()
    }

    /// An audit draft for a change by the system.
    fn audit(&self, action: AuditAction, object: ObjectType) -> AuditDraft {
        AuditDraft::new(
            &RequestContext::system("conformance"),
            self.now(),
            action,
            object,
            None,
        )
    }

    fn created(&self, object: ObjectType) -> AuditDraft {
        self.audit(AuditAction::Created, object)
    }

    async fn region(&self, code: &str) -> Region {
        self.store()
            .find_region_by_code(code)
            .await
            .unwrap()
            .unwrap()
    }

    async fn product(&self, code: &str) -> Product {
        self.store()
            .list_products()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.code == code)
            .unwrap()
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, 9, 0, 0).unwrap() + Duration::microseconds(123_456)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn gm(code: &str) -> GemeenteCode {
    GemeenteCode::parse(code).unwrap()
}

/// Runs a case on every available backend.
async fn on_every_backend<F, Fut>(population: bool, case: F)
where
    F: Fn(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in TestDatabase::available() {
        eprintln!("backend: {backend:?}");
        let db = TestDatabase::create(backend).await;
        let clock = Arc::new(FixedClock::new(start()));
        let services = Services::new(db.store.clone(), clock.clone(), Default::default());
        zothuis_domain::demo::load(&services).await.unwrap();
        if population {
            zothuis_domain::demo::load_population(&services, start().date_naive())
                .await
                .unwrap();
        }
        clock.advance(Duration::hours(1));
        case(World {
            db,
            services,
            clock,
        })
        .await;
    }
}

fn is_stale<T: std::fmt::Debug>(r: Result<T, DomainError>) -> bool {
    matches!(r, Err(DomainError::StaleVersion(_)))
}

fn is_conflict<T: std::fmt::Debug>(r: Result<T, DomainError>) -> bool {
    matches!(r, Err(DomainError::Conflict(_)))
}

fn is_not_found<T: std::fmt::Debug>(r: Result<T, DomainError>) -> bool {
    matches!(r, Err(DomainError::NotFound(_)))
}

#[tokio::test]
async fn reference_data_has_versions_unique_codes_and_guarded_deletes() {
    on_every_backend(false, |w| async move {
        let s = w.store();
        // Regions.
        let data = RegionInput {
            code: "TST".into(),
            name: "Testregio".into(),
            centrumgemeente: None,
        }
        .parse()
        .unwrap();
        let region = s
            .create_region(&data, w.created(ObjectType::Regio))
            .await
            .unwrap();
        assert_eq!(region.version, 1);
        assert_eq!(s.get_region(region.id).await.unwrap(), Some(region.clone()));
        assert!(is_conflict(
            s.create_region(&data, w.created(ObjectType::Regio)).await
        ));
        let renamed = RegionInput {
            code: "TST".into(),
            name: "Testregio Noord".into(),
            centrumgemeente: None,
        }
        .parse()
        .unwrap();
        let updated = s
            .update_region(
                region.id,
                1,
                &renamed,
                w.audit(AuditAction::Updated, ObjectType::Regio),
            )
            .await
            .unwrap();
        assert_eq!(
            (updated.version, updated.name.as_str()),
            (2, "Testregio Noord")
        );
        assert!(is_stale(
            s.update_region(
                region.id,
                1,
                &data,
                w.audit(AuditAction::Updated, ObjectType::Regio)
            )
            .await
        ));
        assert!(
            s.list_regions()
                .await
                .unwrap()
                .iter()
                .any(|r| r.id == region.id)
        );

        // Municipalities: the code is the identity.
        let m = MunicipalityInput {
            code: "GM9990".into(),
            name: "Proefdorp".into(),
            region_id: Some(region.id),
        }
        .parse()
        .unwrap();
        let created = s
            .create_municipality(&m, w.created(ObjectType::Gemeente))
            .await
            .unwrap();
        assert!(is_conflict(
            s.create_municipality(&m, w.created(ObjectType::Gemeente))
                .await
        ));
        let m2 = MunicipalityInput {
            name: "Proefstad".into(),
            ..MunicipalityInput {
                code: "GM9990".into(),
                name: String::new(),
                region_id: Some(region.id),
            }
        }
        .parse()
        .unwrap();
        let changed = s
            .update_municipality(
                created.version,
                &m2,
                w.audit(AuditAction::Updated, ObjectType::Gemeente),
            )
            .await
            .unwrap();
        assert_eq!(changed.name, "Proefstad");
        assert!(is_stale(
            s.update_municipality(
                created.version,
                &m2,
                w.audit(AuditAction::Updated, ObjectType::Gemeente)
            )
            .await
        ));
        assert_eq!(
            s.get_municipality(&gm("GM9990")).await.unwrap(),
            Some(changed.clone())
        );
        assert!(s.list_municipalities().await.unwrap().contains(&changed));
        // A region still used by a municipality cannot go.
        assert!(is_conflict(
            s.delete_region(
                region.id,
                2,
                w.audit(AuditAction::Deleted, ObjectType::Regio)
            )
            .await
        ));

        // Providers, products, locations.
        let provider = s
            .create_provider(
                &ProviderInput {
                    name: "Proefzorg".into(),
                    agb_code: Some("73731234".into()),
                }
                .parse()
                .unwrap(),
                w.created(ObjectType::Aanbieder),
            )
            .await
            .unwrap();
        assert_eq!(
            s.get_provider(provider.id).await.unwrap(),
            Some(provider.clone())
        );
        assert!(s.list_providers().await.unwrap().contains(&provider));
        let provider = s
            .update_provider(
                provider.id,
                provider.version,
                &ProviderInput {
                    name: "Proefzorg BV".into(),
                    agb_code: Some("73731234".into()),
                }
                .parse()
                .unwrap(),
                w.audit(AuditAction::Updated, ObjectType::Aanbieder),
            )
            .await
            .unwrap();
        assert_eq!(provider.version, 2);
        let product_data = ProductInput {
            code: "PROEF".into(),
            name: "Proefproduct".into(),
            category: "15".into(),
            kind: "intramuraal".into(),
            tariff_unit: "per-dag".into(),
        };
        let product = s
            .create_product(
                &product_data.parse().unwrap(),
                w.created(ObjectType::Product),
            )
            .await
            .unwrap();
        assert!(is_conflict(
            s.create_product(
                &product_data.parse().unwrap(),
                w.created(ObjectType::Product)
            )
            .await
        ));
        assert_eq!(
            s.get_product(product.id).await.unwrap(),
            Some(product.clone())
        );
        let product = s
            .update_product(
                product.id,
                1,
                &ProductInput {
                    name: "Proefproduct 24 uur".into(),
                    ..product_data.clone()
                }
                .parse()
                .unwrap(),
                w.audit(AuditAction::Updated, ObjectType::Product),
            )
            .await
            .unwrap();
        assert_eq!(product.name, "Proefproduct 24 uur");
        let location_input = LocationInput {
            provider_id: Some(provider.id),
            municipality: "GM9990".into(),
            name: "Huis aan de Proef".into(),
            address: Some("Proefstraat 1".into()),
            secret_address: true,
            product_ids: vec![product.id],
        };
        let location = s
            .create_location(
                &location_input.parse().unwrap(),
                w.created(ObjectType::Locatie),
            )
            .await
            .unwrap();
        assert_eq!(location.product_ids, vec![product.id]);
        assert!(location.secret_address);
        assert_eq!(
            s.get_location(location.id).await.unwrap(),
            Some(location.clone())
        );
        let location = s
            .update_location(
                location.id,
                location.version,
                &LocationInput {
                    product_ids: vec![],
                    secret_address: false,
                    ..location_input.clone()
                }
                .parse()
                .unwrap(),
                w.audit(AuditAction::Updated, ObjectType::Locatie),
            )
            .await
            .unwrap();
        assert!(location.product_ids.is_empty() && !location.secret_address);
        assert!(s.list_locations().await.unwrap().contains(&location));

        // Capacity and regimes are append-only histories.
        let capacity = s
            .add_capacity(
                &CapacityInput {
                    product_id: Some(product.id),
                    places: "12".into(),
                    valid_from: "2026-01-01".into(),
                    valid_to: None,
                }
                .parse(location.id)
                .unwrap(),
                w.now(),
                "conformance",
                w.created(ObjectType::Capaciteit),
            )
            .await
            .unwrap();
        assert_eq!(capacity.places, 12);
        assert_eq!(
            s.list_capacity(location.id).await.unwrap(),
            vec![capacity.clone()]
        );
        let regime = s
            .add_regime(
                &RegimeInput {
                    regime: "woonplaatsbeginsel".into(),
                    effective_from: "2027-01-01".into(),
                }
                .parse(region.id)
                .unwrap(),
                w.now(),
                "conformance",
                w.created(ObjectType::Regime),
            )
            .await
            .unwrap();
        assert_eq!(s.list_regimes(region.id).await.unwrap(), vec![regime]);
        // Timestamps come back exactly as written (microseconds).
        assert_eq!(capacity.recorded_at, w.now());

        // Deletes: in use → conflict; stale → stale; gone → not found.
        assert!(is_conflict(
            s.delete_product(
                product.id,
                product.version,
                w.audit(AuditAction::Deleted, ObjectType::Product)
            )
            .await
        ));
        assert!(is_stale(
            s.delete_location(
                location.id,
                1,
                w.audit(AuditAction::Deleted, ObjectType::Locatie)
            )
            .await
        ));
        assert!(
            is_conflict(
                s.delete_location(
                    location.id,
                    location.version,
                    w.audit(AuditAction::Deleted, ObjectType::Locatie)
                )
                .await
            ),
            "capacity rows still refer to the location"
        );
        let spare = s
            .create_provider(
                &ProviderInput {
                    name: "Tijdelijk".into(),
                    agb_code: None,
                }
                .parse()
                .unwrap(),
                w.created(ObjectType::Aanbieder),
            )
            .await
            .unwrap();
        s.delete_provider(
            spare.id,
            1,
            w.audit(AuditAction::Deleted, ObjectType::Aanbieder),
        )
        .await
        .unwrap();
        assert_eq!(s.get_provider(spare.id).await.unwrap(), None);
        assert!(is_not_found(
            s.delete_provider(
                spare.id,
                1,
                w.audit(AuditAction::Deleted, ObjectType::Aanbieder)
            )
            .await
        ));
        let lonely = s
            .create_region(
                &RegionInput {
                    code: "LEEG".into(),
                    name: "Lege regio".into(),
                    centrumgemeente: None,
                }
                .parse()
                .unwrap(),
                w.created(ObjectType::Regio),
            )
            .await
            .unwrap();
        s.delete_region(
            lonely.id,
            1,
            w.audit(AuditAction::Deleted, ObjectType::Regio),
        )
        .await
        .unwrap();
        assert!(s.get_region(lonely.id).await.unwrap().is_none());
        let spare_product = s
            .create_product(
                &ProductInput {
                    code: "WEG".into(),
                    ..product_data.clone()
                }
                .parse()
                .unwrap(),
                w.created(ObjectType::Product),
            )
            .await
            .unwrap();
        s.delete_product(
            spare_product.id,
            1,
            w.audit(AuditAction::Deleted, ObjectType::Product),
        )
        .await
        .unwrap();
        let spare_m = s
            .create_municipality(
                &MunicipalityInput {
                    code: "GM9991".into(),
                    name: "Weg".into(),
                    region_id: Some(region.id),
                }
                .parse()
                .unwrap(),
                w.created(ObjectType::Gemeente),
            )
            .await
            .unwrap();
        s.delete_municipality(
            &spare_m.code,
            1,
            w.audit(AuditAction::Deleted, ObjectType::Gemeente),
        )
        .await
        .unwrap();
        assert!(s.get_municipality(&gm("GM9991")).await.unwrap().is_none());

        // Every change above wrote its audit row in the same transaction.
        let rows = s.audit_batch(0, 100_000).await.unwrap();
        let mut chain = ChainVerifier::default();
        for r in &rows {
            chain.check(r).unwrap();
        }
        assert!(
            rows.iter()
                .any(|r| r.object_type == "regio" && r.action == "verwijderd")
        );
    })
    .await;
}

#[tokio::test]
async fn users_tokens_sessions_and_login_attempts() {
    on_every_backend(false, |w| async move {
        let s = w.store();
        let users = s.count_users().await.unwrap();
        assert_eq!(users as usize, s.list_users().await.unwrap().len());
        let region = w.region("GV").await;
        let data = UserData {
            username: "proef.gebruiker".into(),
            display_name: "Proef Gebruiker".into(),
            role: Role::Beleidsadviseur,
            scope: Scope::Regio(region.id),
            active: true,
        };
        let user = s
            .create_user(&data, "hash-1", w.now(), w.created(ObjectType::Gebruiker))
            .await
            .unwrap();
        assert_eq!(s.count_users().await.unwrap(), users + 1);
        assert!(is_conflict(
            s.create_user(&data, "hash-2", w.now(), w.created(ObjectType::Gebruiker))
                .await
        ));
        assert_eq!(s.get_user(user.id).await.unwrap(), Some(user.clone()));
        let creds = s
            .find_credentials("proef.gebruiker")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(creds.password_hash, "hash-1");
        assert_eq!(creds.user, user);
        assert!(s.find_credentials("niemand").await.unwrap().is_none());

        // Sessions.
        s.create_session(
            "sessie-a",
            user.id,
            "csrf-a",
            w.now(),
            w.created(ObjectType::Sessie),
        )
        .await
        .unwrap();
        s.create_session(
            "sessie-b",
            user.id,
            "csrf-b",
            w.now(),
            w.created(ObjectType::Sessie),
        )
        .await
        .unwrap();
        let (session, who) = s.find_session("sessie-a").await.unwrap().unwrap();
        assert_eq!((session.csrf_token.as_str(), who.id), ("csrf-a", user.id));
        let later = w.now() + Duration::minutes(5);
        s.touch_session("sessie-a", later).await.unwrap();
        assert_eq!(
            s.find_session("sessie-a")
                .await
                .unwrap()
                .unwrap()
                .0
                .last_seen_at,
            later
        );
        // A new password ends the other sessions, not the one kept.
        s.set_password(
            user.id,
            "hash-3",
            Some("sessie-a"),
            w.audit(AuditAction::PasswordChanged, ObjectType::Gebruiker),
        )
        .await
        .unwrap();
        assert!(s.find_session("sessie-a").await.unwrap().is_some());
        assert!(s.find_session("sessie-b").await.unwrap().is_none());
        assert_eq!(
            s.find_credentials("proef.gebruiker")
                .await
                .unwrap()
                .unwrap()
                .password_hash,
            "hash-3"
        );
        s.delete_session(
            "sessie-a",
            Some(w.audit(AuditAction::LoggedOut, ObjectType::Sessie)),
        )
        .await
        .unwrap();
        assert!(s.find_session("sessie-a").await.unwrap().is_none());
        // Purging: idle and too old sessions go.
        s.create_session("oud", user.id, "c", w.now(), w.created(ObjectType::Sessie))
            .await
            .unwrap();
        s.create_session("nieuw", user.id, "c", later, w.created(ObjectType::Sessie))
            .await
            .unwrap();
        let purged = s
            .purge_sessions(w.now() + Duration::minutes(1), w.now() - Duration::days(1))
            .await
            .unwrap();
        assert_eq!(purged, 1);
        assert!(s.find_session("nieuw").await.unwrap().is_some());

        // Deactivating ends the sessions; versions guard the update.
        let inactive = UserData {
            active: false,
            ..data.clone()
        };
        let updated = s
            .update_user(
                user.id,
                user.version,
                &inactive,
                w.audit(AuditAction::Updated, ObjectType::Gebruiker),
            )
            .await
            .unwrap();
        assert!(!updated.active);
        assert!(s.find_session("nieuw").await.unwrap().is_none());
        assert!(is_stale(
            s.update_user(
                user.id,
                user.version,
                &data,
                w.audit(AuditAction::Updated, ObjectType::Gebruiker)
            )
            .await
        ));

        // Tokens: only the digest is kept; revoking is final.
        let token = s
            .create_token(
                &NewTokenRecord {
                    name: "koppeling".into(),
                    role: Role::Wachtlijstbeheerder,
                    scope: Scope::Regio(region.id),
                    digest: "digest-1".into(),
                    created_at: w.now(),
                    created_by: "conformance".into(),
                },
                w.audit(AuditAction::TokenCreated, ObjectType::ApiToken),
            )
            .await
            .unwrap();
        assert_eq!(s.find_token("digest-1").await.unwrap(), Some(token.clone()));
        assert!(s.list_tokens().await.unwrap().contains(&token));
        s.revoke_token(
            token.id,
            later,
            w.audit(AuditAction::TokenRevoked, ObjectType::ApiToken),
        )
        .await
        .unwrap();
        let revoked = s.find_token("digest-1").await.unwrap().unwrap();
        assert_eq!(revoked.revoked_at, Some(later));

        // Login attempts are counted per key within a window; the count
        // comes back with the increment.
        let t = |m: i64| w.now() + Duration::minutes(m);
        let window = |m: i64| t(m) - Duration::minutes(15);
        for (m, expected) in [(0, 1), (1, 2), (2, 3)] {
            assert_eq!(
                s.count_login_attempt("gebruiker:proef", t(m), window(m))
                    .await
                    .unwrap(),
                expected
            );
        }
        assert_eq!(
            s.count_login_attempt("gebruiker:ander", t(2), window(2))
                .await
                .unwrap(),
            1
        );
        // Taken back, the next attempt gets the same count again.
        s.uncount_login_attempt("gebruiker:proef").await.unwrap();
        assert_eq!(
            s.count_login_attempt("gebruiker:proef", t(3), window(3))
                .await
                .unwrap(),
            3
        );
        // A window that started too long ago is over: counting starts at 1.
        assert_eq!(
            s.count_login_attempt("gebruiker:proef", t(16), window(16))
                .await
                .unwrap(),
            1
        );
        // A reset forgets the key.
        s.reset_login_attempts("gebruiker:proef").await.unwrap();
        assert_eq!(
            s.count_login_attempt("gebruiker:proef", t(17), window(17))
                .await
                .unwrap(),
            1
        );
        // Purging removes counters whose window started before the moment.
        assert_eq!(s.purge_login_attempts(t(10)).await.unwrap(), 1);
        assert_eq!(
            s.count_login_attempt("gebruiker:ander", t(18), window(18))
                .await
                .unwrap(),
            1
        );
    })
    .await;
}

/// Parallel attempts on one key each get their own count: the count and the
/// record are one step (30 parallel logins once had 8 passwords checked
/// against a limit of 5).
#[tokio::test]
async fn parallel_login_attempts_get_distinct_counts() {
    on_every_backend(false, |w| async move {
        let at = w.now();
        let since = at - Duration::minutes(15);
        let mut tasks = Vec::new();
        for _ in 0..30 {
            let store = w.db.store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .count_login_attempt("herkomst:10.0.0.1", at, since)
                    .await
                    .unwrap()
            }));
        }
        let mut counts = Vec::new();
        for task in tasks {
            counts.push(task.await.unwrap());
        }
        counts.sort_unstable();
        assert_eq!(counts, (1..=30).collect::<Vec<i64>>());
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_is_one_chain_filtered_newest_first() {
    on_every_backend(false, |w| async move {
        let s = w.store();
        let before = s.audit_batch(0, 1_000_000).await.unwrap();
        let mut draft = w.audit(AuditAction::Viewed, ObjectType::Client);
        draft.object_id = Some("42".into());
        draft.client_id = Some(42);
        draft.details = serde_json::json!({"reden": "controle", "ë": "ü"});
        let row = s.append_audit(draft).await.unwrap();
        assert_eq!(row.seq, before.last().unwrap().seq + 1);
        assert_eq!(row.prev_hash, before.last().unwrap().hash);
        // Read back exactly as sealed, so the hash still verifies.
        let after = s.audit_batch(before.len() as i64 - 1, 10).await.unwrap();
        assert_eq!(after.last(), Some(&row));
        let mut chain = ChainVerifier::default();
        for r in s.audit_batch(0, 1_000_000).await.unwrap() {
            chain.check(&r).unwrap();
        }
        // Filters, newest first, paged.
        let filter = AuditFilter {
            client_id: Some(42),
            ..Default::default()
        };
        let page = s
            .list_audit(&filter, PageRequest::new(Some(1), Some(10)))
            .await
            .unwrap();
        assert_eq!(page.items, vec![row.clone()]);
        let by_type = AuditFilter {
            object_type: Some("gebruiker".into()),
            action: Some("aangemaakt".into()),
            ..Default::default()
        };
        let users = s
            .list_audit(&by_type, PageRequest::new(Some(1), Some(5)))
            .await
            .unwrap();
        assert_eq!(users.items.len(), 5);
        assert!(users.items.windows(2).all(|p| p[0].seq > p[1].seq));
        // The period is half-open: from inclusive, to exclusive.
        let window = |to: DateTime<Utc>| AuditFilter {
            from: Some(row.occurred_at),
            to: Some(to),
            ..Default::default()
        };
        let page = PageRequest::new(Some(1), Some(10));
        let within = s
            .list_audit(&window(row.occurred_at + Duration::microseconds(1)), page)
            .await
            .unwrap();
        assert!(within.items.contains(&row));
        let before_it = s.list_audit(&window(row.occurred_at), page).await.unwrap();
        assert!(!before_it.items.contains(&row));
        let none = AuditFilter {
            actor_name: Some("niemand".into()),
            ..Default::default()
        };
        assert!(
            s.list_audit(&none, PageRequest::new(Some(1), Some(10)))
                .await
                .unwrap()
                .items
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn clients_keep_every_version_and_address_and_answer_as_known_at() {
    on_every_backend(false, |w| async move {
        let s = w.store();
        let data = ClientInput {
            given_name: "Noor".into(),
            family_name: "Proef".into(),
            date_of_birth: "1991-05-06".into(),
            bsn: Some("999990019".into()),
            restricted: true,
            ..Default::default()
        }
        .parse(start().date_naive())
        .unwrap();
        let user = s
            .find_credentials("consulent.huizen")
            .await
            .unwrap()
            .unwrap()
            .user;
        let first_at = w.now();
        let client = s
            .create_client(
                &data,
                &gm("GM0406"),
                first_at,
                "consulent.huizen",
                Some(user.id),
                w.created(ObjectType::Client),
            )
            .await
            .unwrap();
        assert_eq!(s.client_grants(client.id).await.unwrap(), vec![user.id]);
        // The access facts read the same grants and the registering
        // municipality with its region.
        let facts = &s.client_access(&Clients::One(client.id)).await.unwrap()[0];
        assert_eq!(facts.restricted, client.restricted);
        assert_eq!(facts.grants, vec![user.id]);
        assert_eq!(facts.municipalities, vec![gm("GM0406")]);
        assert_eq!(facts.regions.len(), 1);
        assert!(
            is_conflict(
                s.create_client(
                    &data,
                    &gm("GM0406"),
                    first_at,
                    "x",
                    None,
                    w.created(ObjectType::Client)
                )
                .await
            ),
            "the BSN is unique"
        );
        assert_eq!(
            s.find_client_by_bsn(&Bsn::parse("999990019").unwrap())
                .await
                .unwrap(),
            Some(client.id)
        );
        w.clock.advance(Duration::days(1));
        let second_at = w.now();
        let mut moved = data.clone();
        moved.family_name = "Proef-de Vries".into();
        let updated = s
            .update_client(
                client.id,
                client.version,
                &moved,
                second_at,
                "consulent.huizen",
                w.audit(AuditAction::Updated, ObjectType::Client),
            )
            .await
            .unwrap();
        assert_eq!(updated.version, 2);
        assert!(is_stale(
            s.update_client(
                client.id,
                1,
                &data,
                second_at,
                "x",
                w.audit(AuditAction::Updated, ObjectType::Client)
            )
            .await
        ));
        let versions = s.client_versions(client.id).await.unwrap();
        assert_eq!(versions.len(), 2);
        let then = history::version_at(&versions, first_at).unwrap();
        assert_eq!(then.family_name, "Proef");
        assert_eq!(
            s.get_client(client.id).await.unwrap(),
            Some(updated.clone())
        );
        assert!(
            s.list_clients(&Clients::All)
                .await
                .unwrap()
                .contains(&updated)
        );

        // Addresses: a correction recorded later changes the past only as
        // known after the correction.
        let address = |municipality: &str, supersedes: Option<i64>| AddressInput {
            kind: "woonadres".into(),
            municipality: Some(municipality.into()),
            effective_date: "2025-03-01".into(),
            supersedes,
            ..Default::default()
        };
        let wrong = s
            .add_address(
                &address("GM0402", None).parse(client.id).unwrap(),
                second_at,
                "x",
                w.created(ObjectType::Adres),
            )
            .await
            .unwrap();
        w.clock.advance(Duration::days(1));
        let corrected_at = w.now();
        let right = s
            .add_address(
                &address("GM0406", Some(wrong.id)).parse(client.id).unwrap(),
                corrected_at,
                "x",
                w.created(ObjectType::Adres),
            )
            .await
            .unwrap();
        let rows = s.list_addresses(client.id).await.unwrap();
        assert_eq!(rows, vec![wrong.clone(), right.clone()]);
        let on = day("2025-06-01");
        assert_eq!(
            history::in_force_on(&rows, on, second_at)
                .unwrap()
                .municipality,
            Some(gm("GM0402"))
        );
        assert_eq!(
            history::in_force_on(&rows, on, corrected_at)
                .unwrap()
                .municipality,
            Some(gm("GM0406"))
        );
        assert_eq!(history::in_force_on(&rows, on, first_at), None);

        // Explicit grants; a second identical grant is harmless.
        let other = s
            .find_credentials("wachtlijst.gv")
            .await
            .unwrap()
            .unwrap()
            .user;
        s.grant_client_access(
            client.id,
            other.id,
            "fg",
            w.now(),
            w.created(ObjectType::ClientToegang),
        )
        .await
        .unwrap();
        let mut grants = s.client_grants(client.id).await.unwrap();
        grants.sort();
        let mut expected = vec![user.id, other.id];
        expected.sort();
        assert_eq!(grants, expected);
    })
    .await;
}

#[tokio::test]
async fn applications_decisions_and_assessments() {
    on_every_backend(false, |w| async move {
        let s = w.store();
        let client = s
            .create_client(
                &ClientInput {
                    given_name: "Ravi".into(),
                    family_name: "Proef".into(),
                    date_of_birth: "1985-02-03".into(),
                    ..Default::default()
                }
                .parse(start().date_naive())
                .unwrap(),
                &gm("GM0402"),
                w.now(),
                "x",
                None,
                w.created(ObjectType::Client),
            )
            .await
            .unwrap();
        let product = w.product("BW-INT").await;
        let application = s
            .create_application(
                &ApplicationData {
                    client_id: client.id,
                    product_id: product.id,
                    municipality: gm("GM0402"),
                    applied_on: day("2026-01-05"),
                    source: Source::Huisarts,
                },
                w.now(),
                "x",
                w.created(ObjectType::Aanmelding),
            )
            .await
            .unwrap();
        assert_eq!(
            s.get_application(application.id).await.unwrap(),
            Some(application.clone())
        );
        assert_eq!(
            s.list_applications(&Clients::One(client.id)).await.unwrap(),
            vec![application.clone()]
        );
        assert!(
            s.list_applications(&Clients::All)
                .await
                .unwrap()
                .contains(&application)
        );

        // The framework of the product and an assessment against it.
        let criterion = s
            .add_criterion(
                product.id,
                "Proefcriterium",
                w.created(ObjectType::Criterium),
            )
            .await
            .unwrap();
        let criteria = s.list_criteria(product.id).await.unwrap();
        assert_eq!(criteria.last(), Some(&criterion));
        let assessment = s
            .create_assessment(
                &zothuis_domain::access::assessment::AssessmentData {
                    application_id: application.id,
                    client_id: client.id,
                    assessed_on: day("2026-01-08"),
                    answers: criteria
                        .iter()
                        .map(|c| {
                            (
                                c.id,
                                zothuis_domain::access::assessment::Answer::Ja,
                                Some("toelichting".into()),
                            )
                        })
                        .collect(),
                    motivation: "Voldoet.".into(),
                    meets: true,
                },
                w.now(),
                "x",
                w.created(ObjectType::Beoordeling),
            )
            .await
            .unwrap();
        assert_eq!(
            s.list_assessments(&Clients::All, Some(application.id))
                .await
                .unwrap(),
            vec![assessment.clone()]
        );
        assert_eq!(
            s.list_assessments(&Clients::One(client.id), Some(application.id))
                .await
                .unwrap(),
            vec![assessment.clone()]
        );
        assert!(
            s.list_assessments(&Clients::All, None)
                .await
                .unwrap()
                .contains(&assessment)
        );
        assert!(
            s.list_assessments(&Clients::One(client.id + 1), Some(application.id))
                .await
                .unwrap()
                .is_empty()
        );

        // A granted decision for a product with a waiting list opens the entry.
        let record = DecisionRecord {
            application_id: application.id,
            client_id: client.id,
            product_id: product.id,
            data: DecisionInput {
                outcome: "toegekend".into(),
                decided_on: "2026-01-10".into(),
                valid_from: Some("2026-01-10".into()),
                valid_to: None,
                reference: "BES-PROEF-1".into(),
                override_municipality: None,
                override_reason: None,
            }
            .parse()
            .unwrap(),
            responsible: gm("GM0402"),
            determined: gm("GM0402"),
            rule: zothuis_domain::access::woonplaats::Rule::Centrumgemeente,
            explanation: "De centrumgemeente is verantwoordelijk.".into(),
            inputs: serde_json::json!({"adressen": 1}),
            opens_waitlist: true,
        };
        let decision = s
            .create_decision(&record, w.now(), "x", w.created(ObjectType::Beschikking))
            .await
            .unwrap();
        assert_eq!(
            s.get_decision(decision.id).await.unwrap(),
            Some(decision.clone())
        );
        assert_eq!(
            s.list_decisions(&Clients::One(client.id)).await.unwrap(),
            vec![decision.clone()]
        );
        assert!(
            s.list_decisions(&Clients::All)
                .await
                .unwrap()
                .contains(&decision)
        );
        assert!(
            is_conflict(
                s.create_decision(&record, w.now(), "x", w.created(ObjectType::Beschikking))
                    .await
            ),
            "one decision per application"
        );
        let entry = s
            .list_entries(&Clients::All)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.decision_id == decision.id)
            .expect("the decision opened an entry");
        assert_eq!(entry.waiting_since, day("2026-01-10"));
        let first = s.list_transitions(Some(entry.id)).await.unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].effective_date, day("2026-01-10"));
    })
    .await;
}

#[tokio::test]
async fn the_waiting_list_keeps_corrected_transitions_preferences_urgency_and_reviews() {
    on_every_backend(true, |w| async move {
        let s = w.store();
        let entries = s.list_entries(&Clients::All).await.unwrap();
        assert!(entries.len() > 50);
        let transitions = s.list_transitions(None).await.unwrap();
        // An entry whose latest status is actief wachtend.
        let entry = entries
            .iter()
            .find(|e| {
                transitions
                    .iter()
                    .rfind(|t| t.entry_id == e.id)
                    .is_some_and(|t| t.status.code() == "actief-wachtend")
            })
            .expect("someone is actively waiting")
            .clone();
        assert_eq!(s.get_entry(entry.id).await.unwrap(), Some(entry.clone()));
        let before = s.list_transitions(Some(entry.id)).await.unwrap();

        // Passive, then corrected with a different date; as known before the
        // correction the first date holds.
        let recorded = w.now();
        let passive = s
            .add_transition(
                &TransitionInput {
                    status: "passief-wachtend".into(),
                    reason: Some("klinische-opname".into()),
                    effective_date: "2026-01-12".into(),
                    ..Default::default()
                }
                .parse(entry.id)
                .unwrap(),
                recorded,
                "wachtlijst.gv",
                w.audit(AuditAction::Updated, ObjectType::Wachtlijst),
            )
            .await
            .unwrap();
        w.clock.advance(Duration::hours(2));
        // Passive from 9 January, correcting (or withdrawing) an earlier row:
        // `parse` reads what the user typed; the service sets what is corrected.
        let passive_from_9th = |supersedes: i64, retracted: bool| {
            let mut data = TransitionInput {
                status: "passief-wachtend".into(),
                reason: Some("klinische-opname".into()),
                effective_date: "2026-01-09".into(),
                ..Default::default()
            }
            .parse(entry.id)
            .unwrap();
            (data.supersedes, data.retracted) = (Some(supersedes), retracted);
            data
        };
        let correction = passive_from_9th(passive.id, false);
        let corrected = s
            .add_transition(
                &correction,
                w.now(),
                "wachtlijst.gv",
                w.audit(AuditAction::Updated, ObjectType::Wachtlijst),
            )
            .await
            .unwrap();
        let rows = s.list_transitions(Some(entry.id)).await.unwrap();
        assert_eq!(rows.len(), before.len() + 2);
        assert_eq!(
            &rows[rows.len() - 2..],
            &[passive.clone(), corrected.clone()]
        );
        let on = day("2026-01-10");
        assert_eq!(
            history::in_force_on(&rows, on, recorded)
                .unwrap()
                .status
                .code(),
            "actief-wachtend"
        );
        assert_eq!(
            history::in_force_on(&rows, on, w.now())
                .unwrap()
                .status
                .code(),
            "passief-wachtend"
        );

        // A retraction withdraws the correction without a replacement.
        w.clock.advance(Duration::hours(2));
        let before_retraction = w.now();
        w.clock.advance(Duration::hours(1));
        s.add_transition(
            &passive_from_9th(corrected.id, true),
            w.now(),
            "wachtlijst.gv",
            w.audit(AuditAction::Updated, ObjectType::Wachtlijst),
        )
        .await
        .unwrap();
        assert_eq!(
            history::in_force_on(
                &s.list_transitions(Some(entry.id)).await.unwrap(),
                on,
                w.now()
            )
            .unwrap()
            .status
            .code(),
            "actief-wachtend"
        );

        // Reading the entries in a status narrows exactly as the state
        // decided from the transitions, on every day and moment, with the
        // correction and the retraction, for the whole list and for a region.
        use zothuis_domain::waitlist::{Status, state_on};
        let all = s.list_entries(&Clients::All).await.unwrap();
        let rows = s.list_transitions(None).await.unwrap();
        let region = w.region("GV").await.id;
        let in_region = s
            .list_entries(&Clients::Linked(ClientLink::Region(region)))
            .await
            .unwrap();
        for k in [start(), recorded, before_retraction, w.now()] {
            for on in [day("2025-06-30"), day("2026-01-08"), on, day("2026-01-13")] {
                for filter in [
                    "open",
                    "actief-wachtend",
                    "passief-wachtend",
                    "in-screening",
                    "aangemeld",
                    "geplaatst",
                    "afgevoerd",
                    "onbekend",
                    "",
                ] {
                    let decided = |e: &&zothuis_domain::waitlist::Entry| {
                        let own: Vec<_> = rows
                            .iter()
                            .filter(|t| t.entry_id == e.id)
                            .cloned()
                            .collect();
                        e.created_at <= k
                            && state_on(e, &own, on, k)
                                .is_some_and(|st| filter.is_empty() || st.status.matches(filter))
                    };
                    // No filter: every entry on the list that day.
                    let codes = Status::codes_matching(filter);
                    let codes = (!filter.is_empty()).then_some(&codes[..]);
                    let want: Vec<_> = all.iter().filter(decided).cloned().collect();
                    assert_eq!(
                        s.entries_in_status(&Clients::All, codes, on, k)
                            .await
                            .unwrap(),
                        want,
                        "{filter} op {on} bekend op {k}"
                    );
                    let want: Vec<_> = in_region.iter().filter(decided).cloned().collect();
                    let bound = Clients::Linked(ClientLink::Region(region));
                    assert_eq!(
                        s.entries_in_status(&bound, codes, on, k).await.unwrap(),
                        want
                    );
                }
            }
        }
        let open_now = s
            .entries_in_status(
                &Clients::All,
                Some(&Status::codes_matching("open")),
                on,
                w.now(),
            )
            .await
            .unwrap();
        assert!(open_now.iter().any(|e| e.id == entry.id) && open_now.len() < all.len());

        // Preference and urgency are set and cleared on the entry.
        let provider = s.list_providers().await.unwrap()[0].id;
        let with_pref = s
            .set_preference(
                entry.id,
                Some(provider),
                Some(&gm("GM0406")),
                w.now(),
                "x",
                w.audit(AuditAction::Updated, ObjectType::Wachtlijst),
            )
            .await
            .unwrap();
        assert_eq!(with_pref.preferred_provider, Some(provider));
        assert_eq!(with_pref.preferred_municipality, Some(gm("GM0406")));
        let cleared = s
            .set_preference(
                entry.id,
                None,
                None,
                w.now(),
                "x",
                w.audit(AuditAction::Updated, ObjectType::Wachtlijst),
            )
            .await
            .unwrap();
        assert_eq!(
            (cleared.preferred_provider, cleared.preferred_municipality),
            (None, None)
        );
        let urgent = s
            .set_urgency(
                entry.id,
                Some("dakloos na ontslag"),
                w.now(),
                "x",
                w.audit(AuditAction::Updated, ObjectType::Wachtlijst),
            )
            .await
            .unwrap();
        assert_eq!(urgent.urgent.as_deref(), Some("dakloos na ontslag"));
        let calm = s
            .set_urgency(
                entry.id,
                None,
                w.now(),
                "x",
                w.audit(AuditAction::Updated, ObjectType::Wachtlijst),
            )
            .await
            .unwrap();
        assert_eq!(calm.urgent, None);

        // Review cycles and reviews.
        s.set_review_cycle(
            &gm("GM0402"),
            6,
            w.audit(AuditAction::Updated, ObjectType::Overlegcyclus),
        )
        .await
        .unwrap();
        s.set_review_cycle(
            &gm("GM0402"),
            8,
            w.audit(AuditAction::Updated, ObjectType::Overlegcyclus),
        )
        .await
        .unwrap();
        assert!(
            s.review_cycles()
                .await
                .unwrap()
                .contains(&(gm("GM0402"), 8))
        );
        let review = s
            .create_review(
                &gm("GM0402"),
                day("2026-01-12"),
                &[ReviewOutcome {
                    entry_id: entry.id,
                    outcome: "besproken".into(),
                }],
                w.now(),
                "x",
                w.created(ObjectType::Wachtlijstoverleg),
            )
            .await
            .unwrap();
        let reviews = s.list_reviews(Some(&gm("GM0402"))).await.unwrap();
        assert_eq!(reviews.last(), Some(&review));
        assert!(s.list_reviews(None).await.unwrap().len() >= reviews.len());
    })
    .await;
}

#[tokio::test]
async fn screenings_and_versioned_stays_with_transfers() {
    on_every_backend(true, |w| async move {
        let s = w.store();
        let of_entry = |id| ScreeningFilter {
            entry_id: Some(id),
            ..Default::default()
        };
        // An open screening from the demo.
        let screenings = s
            .list_screenings(&Clients::All, &ScreeningFilter::default())
            .await
            .unwrap();
        let open = screenings
            .iter()
            .rfind(|sc| sc.outcome.is_none())
            .expect("the demo has an open screening")
            .clone();
        assert!(
            s.list_screenings(&Clients::All, &of_entry(open.entry_id))
                .await
                .unwrap()
                .contains(&open)
        );
        assert!(
            s.list_screenings(
                &Clients::All,
                &ScreeningFilter {
                    provider_id: Some(open.provider_id),
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .iter()
            .all(|sc| sc.provider_id == open.provider_id)
        );
        let access = s
            .client_access(&Clients::One(open.client_id))
            .await
            .unwrap();
        assert_eq!(access.len(), 1);
        assert!(access[0].providers.contains(&open.provider_id));
        assert!(
            s.list_screenings(
                &Clients::Linked(ClientLink::Provider(open.provider_id)),
                &ScreeningFilter::default()
            )
            .await
            .unwrap()
            .contains(&open)
        );
        assert_eq!(s.get_screening(open.id).await.unwrap(), Some(open.clone()));
        assert_eq!(s.get_screening(i64::MAX).await.unwrap(), None);
        let (result, decided_on, note) = ScreeningInput {
            outcome: "geaccepteerd".into(),
            decided_on: w.now().date_naive().to_string(),
            note: Some("Past goed.".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        s.record_screening_outcome(
            open.id,
            result,
            decided_on,
            note.as_deref(),
            None,
            w.now(),
            "x",
            w.audit(AuditAction::Updated, ObjectType::Screening),
        )
        .await
        .unwrap();
        let recorded = s
            .list_screenings(&Clients::All, &of_entry(open.entry_id))
            .await
            .unwrap()
            .into_iter()
            .find(|sc| sc.id == open.id)
            .unwrap();
        assert_eq!(
            s.get_screening(open.id).await.unwrap(),
            Some(recorded.clone())
        );
        assert_eq!(
            recorded.outcome.unwrap().note.as_deref(),
            Some("Past goed.")
        );
        assert!(
            is_conflict(
                s.record_screening_outcome(
                    open.id,
                    result,
                    decided_on,
                    None,
                    None,
                    w.now(),
                    "x",
                    w.audit(AuditAction::Updated, ObjectType::Screening)
                )
                .await
            ),
            "one outcome per screening"
        );

        // Placement: the stay and the geplaatst transition together.
        let entry = s.get_entry(open.entry_id).await.unwrap().unwrap();
        let location = s
            .list_locations()
            .await
            .unwrap()
            .into_iter()
            .find(|l| {
                l.provider_id == open.provider_id && l.product_ids.contains(&entry.product_id)
            })
            .map(|l| l.id);
        let facts = StayFacts {
            product_id: entry.product_id,
            provider_id: open.provider_id,
            location_id: location,
            start_date: w.now().date_naive(),
            end_date: None,
            exit: None,
            financing: zothuis_domain::reference::Financing::Pgb,
            care_level: zothuis_domain::reference::CareLevel::new(3),
        };
        let placement = TransitionInput {
            status: "geplaatst".into(),
            effective_date: w.now().date_naive().to_string(),
            ..Default::default()
        }
        .parse(entry.id)
        .unwrap();
        let stay = s
            .create_stay(
                &NewStay {
                    client_id: entry.client_id,
                    entry_id: Some(entry.id),
                    decision_id: None,
                    transferred_from: None,
                    responsible: entry.responsible.clone(),
                    facts: facts.clone(),
                },
                Some(&placement),
                w.now(),
                "x",
                w.created(ObjectType::Verblijf),
            )
            .await
            .unwrap();
        // How the stay is paid for and its level are kept.
        assert_eq!(
            (stay.financing, stay.care_level),
            (facts.financing, facts.care_level)
        );
        assert_eq!(
            s.list_transitions(Some(entry.id))
                .await
                .unwrap()
                .last()
                .unwrap()
                .status
                .code(),
            "geplaatst"
        );

        // A correction is a new version; the old version is a stale ETag.
        w.clock.advance(Duration::hours(1));
        let earlier = StayFacts {
            start_date: facts.start_date - Duration::days(1),
            ..facts.clone()
        };
        // The placement transition moves with the start, in the same write.
        let placed = s
            .list_transitions(Some(entry.id))
            .await
            .unwrap()
            .last()
            .unwrap()
            .clone();
        let moved = zothuis_domain::waitlist::TransitionData {
            effective_date: earlier.start_date,
            supersedes: Some(placed.id),
            ..placement.clone()
        };
        let corrected = s
            .add_stay_version(
                stay.id,
                stay.version_id,
                &earlier,
                Some(&moved),
                w.now(),
                "x",
                w.audit(AuditAction::Updated, ObjectType::Verblijf),
            )
            .await
            .unwrap();
        assert_ne!(corrected.version_id, stay.version_id);
        let now_placed = s
            .list_transitions(Some(entry.id))
            .await
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(now_placed.supersedes, Some(placed.id));
        assert_eq!(now_placed.effective_date, earlier.start_date);
        assert!(is_stale(
            s.add_stay_version(
                stay.id,
                stay.version_id,
                &facts,
                None,
                w.now(),
                "x",
                w.audit(AuditAction::Updated, ObjectType::Verblijf)
            )
            .await
        ));
        assert_eq!(
            s.get_stay_header(stay.id)
                .await
                .unwrap()
                .map(|h| h.client_id),
            Some(stay.client_id)
        );
        assert_eq!(s.get_stay_header(i64::MAX).await.unwrap(), None);
        let versions: Vec<_> = s
            .list_stay_versions(&Clients::One(stay.client_id))
            .await
            .unwrap()
            .into_iter()
            .filter(|v| v.stay_id == stay.id)
            .collect();
        assert_eq!(versions.len(), 2);
        assert_eq!(
            history::version_at(&versions, stay.recorded_at)
                .unwrap()
                .start_date,
            facts.start_date
        );

        // Transfer: end and linked start in one go.
        let (end, exit) = ExitInput {
            end_date: (facts.start_date + Duration::days(30)).to_string(),
            destination: "overplaatsing".into(),
        }
        .parse(earlier.start_date)
        .unwrap_or((
            facts.start_date + Duration::days(30),
            zothuis_domain::care::ExitDestination::parse("zelfstandig").unwrap(),
        ));
        let ended = StayFacts {
            end_date: Some(end),
            exit: Some(exit),
            ..earlier.clone()
        };
        let next = s
            .transfer_stay(
                stay.id,
                corrected.version_id,
                &ended,
                &NewStay {
                    client_id: entry.client_id,
                    entry_id: None,
                    decision_id: None,
                    transferred_from: Some(stay.id),
                    responsible: entry.responsible.clone(),
                    facts: StayFacts {
                        start_date: end,
                        ..facts.clone()
                    },
                },
                w.now(),
                "x",
                w.created(ObjectType::Verblijf),
            )
            .await
            .unwrap();
        assert_eq!(next.transferred_from, Some(stay.id));
        let headers = s
            .list_stay_headers(&Clients::One(entry.client_id))
            .await
            .unwrap();
        assert!(
            headers
                .iter()
                .any(|h| h.id == next.id && h.transferred_from == Some(stay.id))
        );
        assert!(s.list_stay_headers(&Clients::All).await.unwrap().len() >= headers.len());

        // The stays at some locations on a day are those of the whole set
        // there as known now, each with its version in force only.
        let all_headers = s.list_stay_headers(&Clients::All).await.unwrap();
        let all_versions = s.list_stay_versions(&Clients::All).await.unwrap();
        let location_ids: Vec<i64> = s
            .list_locations()
            .await
            .unwrap()
            .iter()
            .map(|l| l.id)
            .collect();
        let bounded = [
            location_ids.clone(),
            location.into_iter().collect(),
            Vec::new(),
        ];
        for ids in &bounded {
            for on in [
                day("2024-03-01"),
                earlier.start_date,
                facts.start_date,
                end - Duration::days(1),
                end,
                end + Duration::days(1),
            ] {
                let (hs, vs) = s
                    .list_current_stays(&Clients::All, Some(ids), Some(on))
                    .await
                    .unwrap();
                let there = |hs: &[StayHeader], vs: &[StayVersion]| {
                    let mut v: Vec<_> = hs
                        .iter()
                        .filter_map(|h| stay_at(h, vs, w.now()))
                        .filter(|st| {
                            st.location_id.is_some_and(|l| ids.contains(&l)) && st.is_active_on(on)
                        })
                        .collect();
                    v.sort_by_key(|st| st.id);
                    v
                };
                let want = there(&all_headers, &all_versions);
                assert_eq!(there(&hs, &vs), want, "op {on}");
                assert_eq!(hs.len(), want.len(), "alleen wie er op {on} verblijft");
                let mut current: Vec<_> = vs.iter().map(|v| (v.stay_id, v.id)).collect();
                current.sort();
                assert_eq!(
                    current,
                    want.iter()
                        .map(|st| (st.id, st.version_id))
                        .collect::<Vec<_>>(),
                    "de versie die nu geldt, geen eerdere"
                );
            }
        }
        let (hs, _) = s
            .list_current_stays(&Clients::All, Some(&location_ids), Some(facts.start_date))
            .await
            .unwrap();
        assert!(hs.iter().any(|h| h.id == stay.id) && hs.len() < all_headers.len());
        // Without locations or day: every stay of the clients asked for, in
        // its version in force; bounded by client.
        let now = |hs: &[StayHeader], vs: &[StayVersion]| stays_at(hs, vs, w.now());
        let (hs, vs) = s
            .list_current_stays(&Clients::All, None, None)
            .await
            .unwrap();
        assert_eq!(now(&hs, &vs), now(&all_headers, &all_versions));
        assert_eq!(vs.len(), hs.len(), "one version per stay");
        let one = Clients::One(entry.client_id);
        let (hs, vs) = s.list_current_stays(&one, None, None).await.unwrap();
        assert_eq!(
            now(&hs, &vs),
            now(
                &s.list_stay_headers(&one).await.unwrap(),
                &s.list_stay_versions(&one).await.unwrap()
            )
        );
        let on = facts.start_date;
        let (hs, vs) = s.list_current_stays(&one, None, Some(on)).await.unwrap();
        assert!(
            now(&hs, &vs)
                .iter()
                .all(|st| st.is_active_on(on) && st.client_id == entry.client_id)
        );
        assert!(hs.iter().any(|h| h.id == stay.id));
        assert!(s.list_stay_versions(&Clients::All).await.unwrap().len() > versions.len());
        assert!(is_stale(
            s.transfer_stay(
                stay.id,
                corrected.version_id,
                &ended,
                &NewStay {
                    client_id: entry.client_id,
                    entry_id: None,
                    decision_id: None,
                    transferred_from: Some(stay.id),
                    responsible: entry.responsible.clone(),
                    facts: facts.clone(),
                },
                w.now(),
                "x",
                w.created(ObjectType::Verblijf),
            )
            .await
        ));

        // Screenings in force as known at a moment: a correction of the
        // referral takes its place from the moment it is recorded.
        let before = w.now();
        w.clock.advance(Duration::hours(1));
        let moved = s
            .add_transition(
                &zothuis_domain::waitlist::TransitionData {
                    entry_id: open.entry_id,
                    status: zothuis_domain::waitlist::Status::InScreening {
                        provider_id: open.provider_id,
                    },
                    effective_date: open.started_on - Duration::days(1),
                    note: None,
                    supersedes: Some(open.id),
                    retracted: false,
                },
                w.now(),
                "x",
                w.audit(AuditAction::Created, ObjectType::Wachtlijst),
            )
            .await
            .unwrap();
        let transitions = s.list_transitions(None).await.unwrap();
        for k in [start(), before, w.now()] {
            let in_force: std::collections::BTreeSet<i64> = history::timeline(&transitions, k)
                .into_iter()
                .filter(|t| t.status.code() == "in-screening")
                .map(|t| t.id)
                .collect();
            let filter = ScreeningFilter {
                in_force_at: Some(k),
                ..Default::default()
            };
            let read: std::collections::BTreeSet<i64> = s
                .list_screenings(&Clients::All, &filter)
                .await
                .unwrap()
                .iter()
                .map(|sc| sc.id)
                .collect();
            assert_eq!(read, in_force, "bekend op {k}");
        }
        let filter = |k| ScreeningFilter {
            entry_id: Some(open.entry_id),
            in_force_at: Some(k),
            ..Default::default()
        };
        let ids =
            |v: Vec<zothuis_domain::care::Screening>| v.iter().map(|sc| sc.id).collect::<Vec<_>>();
        assert!(
            ids(s
                .list_screenings(&Clients::All, &filter(before))
                .await
                .unwrap())
            .contains(&open.id)
        );
        let now = ids(s
            .list_screenings(&Clients::All, &filter(w.now()))
            .await
            .unwrap());
        assert!(now.contains(&moved.id) && !now.contains(&open.id));
    })
    .await;
}

#[tokio::test]
async fn an_import_batch_is_written_whole_with_its_audit_rows() {
    on_every_backend(false, |w| async move {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/import/voorbeeld");
        let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        let tables = zothuis_import_files(&files);
        let before = w.store().list_clients(&Clients::All).await.unwrap().len();
        let report = w
            .services
            .import(
                &RequestContext::system("cli:import"),
                &tables,
                &Default::default(),
                &|_, _| {},
            )
            .await
            .unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let clients = w.store().list_clients(&Clients::All).await.unwrap();
        assert_eq!(clients.len(), before + 4);
        let rows = w.store().audit_batch(0, 1_000_000).await.unwrap();
        assert!(rows.iter().any(|r| r.object_type == "import"));
        // The example's registrations at the access point and nominations,
        // on the new clients, each nomination with the stay it leaves, and
        // each record with its audit row.
        let new = Clients::Ids(report.client_ids.clone());
        let registrations = w
            .store()
            .list_registrations(&new, None, w.now())
            .await
            .unwrap();
        let nominations = w
            .store()
            .list_nominations(&new, None, w.now())
            .await
            .unwrap();
        assert_eq!((registrations.len(), nominations.len()), (2, 2));
        assert!(nominations.iter().all(|n| n.facts.stay_id.is_some()));
        let audited = |object_type: &str, id: i64| {
            rows.iter().any(|r| {
                r.object_type == object_type && r.object_id.as_deref() == Some(&id.to_string())
            })
        };
        assert!(
            registrations
                .iter()
                .all(|r| audited("melding-opvang", r.id))
        );
        assert!(
            nominations
                .iter()
                .all(|n| audited("voordracht-uitstroom", n.id))
        );
        // A second import of the same files is refused and writes nothing
        // (a batch failing half-way is in the HTTP suite, on both backends).
        let again = w
            .services
            .import(
                &RequestContext::system("cli:import"),
                &tables,
                &Default::default(),
                &|_, _| {},
            )
            .await
            .unwrap();
        assert!(!again.problems.is_empty(), "a second import is refused");
        assert_eq!(
            w.store().list_clients(&Clients::All).await.unwrap().len(),
            before + 4
        );
    })
    .await;
}

fn zothuis_import_files(files: &[(String, Vec<u8>)]) -> Vec<zothuis_domain::import::Table> {
    zothuis_import::read_files(files).unwrap()
}

/// The registers of the import (Pact, HOV, zorgcoördinatie), each by its
/// keeper, are written whole: every record readable through its register's
/// own reads, with an audit row of its own carrying its id.
#[tokio::test]
async fn an_import_of_the_registers_writes_every_record_with_its_audit_row() {
    use zothuis_domain::admin::{Actor, ActorKind};
    use zothuis_domain::store::Tenancies;
    on_every_backend(false, |w| async move {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/import/voorbeeld-registers"
        );
        let read = |names: &[&str]| {
            let files: Vec<(String, Vec<u8>)> = names
                .iter()
                .map(|n| (n.to_string(), std::fs::read(format!("{dir}/{n}")).unwrap()))
                .collect();
            zothuis_import_files(&files)
        };
        let gv = w.region("GV").await.id;
        let ctx = |role, scope| RequestContext {
            actor: Actor {
                kind: ActorKind::User,
                id: 1,
                name: "importeur".into(),
                role,
                scope,
            },
            on_behalf_of: None,
            origin: None,
            request_id: "conformance".into(),
        };
        let s = w.store();
        let (quotas, tenancies, trajectories) = (
            s.quota_rows(Some(gv)).await.unwrap().len(),
            s.list_tenancies(&Tenancies::Region(gv), w.now())
                .await
                .unwrap()
                .len(),
            s.list_trajectories(Some(gv), w.now()).await.unwrap().len(),
        );
        let audited = s.audit_batch(0, 1_000_000).await.unwrap().len();
        for (who, names) in [
            (
                ctx(Role::Wachtlijstbeheerder, Scope::Regio(gv)),
                vec!["pact-afspraken.csv"],
            ),
            (
                ctx(Role::WmoConsulent, Scope::Gemeente(gm("GM0406"))),
                vec!["hov-trajecten.csv"],
            ),
            (
                ctx(Role::Zorgcoordinator, Scope::Regio(gv)),
                vec![
                    "zorgcoordinatie-trajecten.csv",
                    "zorgcoordinatie-meldingen.csv",
                ],
            ),
        ] {
            let report = w
                .services
                .import(&who, &read(&names), &Default::default(), &|_, _| {})
                .await
                .unwrap();
            assert!(report.applied, "{names:?}: {:?}", report.problems);
        }
        let now = w.now();
        let new_quotas = s.quota_rows(Some(gv)).await.unwrap();
        assert_eq!(new_quotas.len(), quotas + 4);
        let last = new_quotas.last().unwrap();
        assert_eq!(
            (last.municipality.as_str(), last.year, last.homes),
            ("GM1942", 2026, 9)
        );
        let hov = s.list_tenancies(&Tenancies::Region(gv), now).await.unwrap();
        assert_eq!(hov.len(), tenancies + 3);
        let ended = hov.iter().find(|t| t.facts.tenant == "M. de V.").unwrap();
        assert_eq!(ended.facts.ended_on, Some(day("2025-01-15")));
        assert_eq!(ended.facts.result.map(|r| r.code()), Some("huur-op-naam"));
        let outreach = s.list_trajectories(Some(gv), now).await.unwrap();
        assert_eq!(outreach.len(), trajectories + 3);
        let imported: Vec<_> = outreach[trajectories..].to_vec();
        assert_eq!(imported[0].person_id, imported[1].person_id);
        assert_ne!(imported[0].person_id, imported[2].person_id);
        let reports = s.outreach_reports(imported[0].id).await.unwrap();
        assert_eq!(
            reports.iter().map(|r| r.reported_on).collect::<Vec<_>>(),
            [day("2025-03-05"), day("2025-03-20")]
        );

        let rows = s.audit_batch(0, 1_000_000).await.unwrap();
        let new = &rows[audited..];
        let count = |t: &str| new.iter().filter(|r| r.object_type == t).count();
        assert_eq!(
            (
                count("pact-afspraak"),
                count("hov-traject"),
                count("zorgcoordinatie"),
                count("melding-zorgcoordinatie"),
                count("import"),
            ),
            (4, 3, 3, 5, 3)
        );
        let trajectory_row = new
            .iter()
            .find(|r| {
                r.object_id.as_deref() == Some(&imported[0].id.to_string())
                    && r.object_type == "zorgcoordinatie"
            })
            .unwrap();
        assert!(!trajectory_row.details.contains("station"));
    })
    .await;
}

#[tokio::test]
async fn the_figures_read_the_history_as_known_at_any_moment() {
    use zothuis_domain::figures::Facts;
    use zothuis_domain::figures::facts::FactsBuilder;
    on_every_backend(true, |w| async move {
        let s = w.store();
        let stamp = s.figure_stamp().await.unwrap();
        // A correction recorded now: the last transition of an entry gets
        // another date.
        let transitions = s.list_transitions(None).await.unwrap();
        let last = transitions.last().unwrap().clone();
        let before = w.now();
        w.clock.advance(Duration::hours(1));
        s.add_transition(
            &zothuis_domain::waitlist::TransitionData {
                entry_id: last.entry_id,
                status: last.status,
                effective_date: last.effective_date - Duration::days(3),
                note: Some("datum gecorrigeerd".into()),
                supersedes: Some(last.id),
                retracted: false,
            },
            w.now(),
            "x",
            w.audit(AuditAction::Updated, ObjectType::Wachtlijst),
        )
        .await
        .unwrap();
        assert_ne!(
            s.figure_stamp().await.unwrap(),
            stamp,
            "a correction changes the stamp"
        );
        // And an outcome recorded now for a registration at an access point
        // (the demo population has them in both regions).
        let registrations = s
            .list_registrations(&Clients::All, None, w.now())
            .await
            .unwrap();
        assert!(registrations.len() > 20, "{}", registrations.len());
        let open = registrations
            .iter()
            .find(|r| {
                r.facts.outcome.is_none()
                    && r.facts.kind == zothuis_domain::shelter::RegistrationKind::Traject
                    && r.facts.origin.is_some()
            })
            .unwrap()
            .clone();
        s.add_registration_version(
            open.id,
            open.version_id,
            &zothuis_domain::shelter::RegistrationFacts {
                outcome: Some(zothuis_domain::shelter::RegistrationOutcome::Zelfredzaam),
                outcome_on: Some(open.facts.reported_on),
                referred_to: open.facts.origin.clone(),
                ..open.facts.clone()
            },
            w.now(),
            "x",
            w.audit(AuditAction::Updated, ObjectType::MeldingOpvang),
        )
        .await
        .unwrap();

        // The store resolves in SQL exactly what the domain resolves in memory.
        let history = w.services.figure_history().await.unwrap();
        for at in [start() - Duration::days(400), before, w.now()] {
            let mut builder = FactsBuilder::new(
                at,
                &history.municipalities,
                &history.products,
                &history.providers,
                &history.locations,
            );
            s.figure_rows(at, &mut builder).await.unwrap();
            let streamed = builder.finish();
            assert_eq!(streamed, Facts::build(&history, at), "as known at {at}");
            assert!(!streamed.stays.is_empty() || at < start());
        }
        let then = w.services.build_facts(before).await.unwrap();
        let now = w.services.build_facts(w.now()).await.unwrap();
        assert_ne!(
            then.spans, now.spans,
            "the correction shows only as known after it"
        );
        assert!(!now.registrations.is_empty());
        assert_ne!(then.registrations, now.registrations, "the outcome too");

        // The rows of the persons with a row beyond the old stamp, merged
        // into the projection built then, give the projection built now.
        let upto = s.figure_stamp().await.unwrap();
        let mut merged = then.clone();
        let mut builder = FactsBuilder::changes_of(&merged, w.now());
        let persons = s
            .figure_changes(w.now(), &stamp, &upto, &mut builder)
            .await
            .unwrap();
        let client = transitions
            .iter()
            .find(|t| t.id == last.id)
            .map(|t| t.entry_id)
            .unwrap();
        let client = s.get_entry(client).await.unwrap().unwrap().client_id;
        let mut expected = vec![client, open.client_id];
        expected.sort();
        expected.dedup();
        assert_eq!(persons, expected, "only the corrected persons");
        let persons = persons.iter().map(|p| *p as u32).collect();
        merged.merge(builder.finish(), &persons, false).unwrap();
        assert!(merged == now, "merged equals built");
    })
    .await;
}

#[tokio::test]
async fn plans_keep_every_version_and_refuse_a_stale_one() {
    on_every_backend(false, |w| async move {
        let s = w.store();
        let region = w.region("GV").await;
        let first_at = w.now();
        let plan = s
            .create_plan(
                region.id,
                "Plan",
                "{\"versie\":1}",
                first_at,
                "beleid.gv",
                w.created(ObjectType::Beleidsplan),
            )
            .await
            .unwrap();
        assert_eq!(plan.region_id, region.id);
        w.clock.advance(Duration::days(1));
        let second = s
            .add_plan_version(
                plan.plan_id,
                plan.version_id,
                "Plan 2026",
                "{\"versie\":2}",
                w.now(),
                "beleid.gv",
                w.audit(AuditAction::Updated, ObjectType::Beleidsplan),
            )
            .await
            .unwrap();
        assert!(second.version_id > plan.version_id);
        assert!(is_stale(
            s.add_plan_version(
                plan.plan_id,
                plan.version_id,
                "Plan",
                "{}",
                w.now(),
                "x",
                w.audit(AuditAction::Updated, ObjectType::Beleidsplan)
            )
            .await
        ));
        assert!(is_not_found(
            s.add_plan_version(
                9999,
                1,
                "Plan",
                "{}",
                w.now(),
                "x",
                w.audit(AuditAction::Updated, ObjectType::Beleidsplan)
            )
            .await
        ));
        assert!(
            is_conflict(
                s.create_plan(
                    9999,
                    "Plan",
                    "{}",
                    w.now(),
                    "x",
                    w.created(ObjectType::Beleidsplan)
                )
                .await
            ),
            "an unknown region"
        );
        let versions = s.plan_versions(plan.plan_id).await.unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0].document, "{\"versie\":1}");
        assert_eq!(versions[0].recorded_at, first_at);
        assert_eq!(
            history::version_at(&versions, first_at).unwrap().version_id,
            plan.version_id
        );
        assert_eq!(s.list_plans().await.unwrap(), vec![second.clone()]);
        assert_eq!(s.list_plans().await.unwrap()[0].title, "Plan 2026");
    })
    .await;
}

#[tokio::test]
async fn published_reports_are_kept_unchanged_and_listed_newest_first() {
    on_every_backend(false, |w| async move {
        let s = w.store();
        let region = w.region("GV").await;
        let plan = s
            .create_plan(
                region.id,
                "Plan",
                "{}",
                w.now(),
                "beleid.gv",
                w.created(ObjectType::Beleidsplan),
            )
            .await
            .unwrap();
        let report = |period: &str, at| zothuis_domain::plan::NewPublication {
            plan_id: plan.plan_id,
            plan_version_id: plan.version_id,
            period: period.into(),
            peildatum: chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            introduction: "Inleiding met ë en \"quotes\"".into(),
            document: "{\"titel\":\"Plan\"}".into(),
            figures: "[{\"indicator\":\"wachtend-totaal\",\"waarde\":\"<5\"}]".into(),
            published_at: at,
            published_by: "beleid.gv".into(),
        };
        let first = s
            .publish_report(
                report("2025-H1", w.now()),
                w.created(ObjectType::Voortgangsrapportage),
            )
            .await
            .unwrap();
        w.clock.advance(Duration::days(1));
        let second = s
            .publish_report(
                report("2025-H2", w.now()),
                w.created(ObjectType::Voortgangsrapportage),
            )
            .await
            .unwrap();
        assert_eq!(s.get_report(first.id).await.unwrap(), Some(first.clone()));
        assert_eq!(s.get_report(9999).await.unwrap(), None);
        assert_eq!(
            s.list_reports(plan.plan_id).await.unwrap(),
            vec![second.clone(), first.clone()]
        );
        assert!(s.list_reports(9999).await.unwrap().is_empty());
        let mut unknown = report("2025-H1", w.now());
        unknown.plan_id = 9999;
        assert!(
            is_conflict(
                s.publish_report(unknown, w.created(ObjectType::Voortgangsrapportage))
                    .await
            ),
            "a report of an unknown plan"
        );
    })
    .await;
}

/// The suite names every store method: a new method without a case here
/// fails this test.
#[test]
fn every_store_method_has_a_case() {
    let traits = include_str!("../../zothuis-domain/src/store.rs");
    let suite = include_str!("conformance.rs");
    let missing: Vec<&str> = traits
        .lines()
        .filter_map(|l| l.trim().strip_prefix("async fn "))
        .filter_map(|rest| rest.split('(').next())
        .filter(|name| {
            // The import batch is reached through the import use case.
            let called = suite.contains(&format!(".{name}("))
                || (*name == "import_batch" && suite.contains(".import("));
            !called
        })
        .collect();
    assert!(
        missing.is_empty(),
        "store methods without a conformance case: {missing:?}"
    );
}

/// A read bounded by a scope holds exactly the clients linked to it, as the
/// link is defined on the whole data set (store.rs `ClientLink`), and the
/// access facts read for many clients equal those read for one.
#[tokio::test]
async fn reads_bounded_by_a_scope_hold_exactly_the_linked_clients() {
    use std::collections::{BTreeSet, HashMap};
    on_every_backend(true, |w| async move {
        let s = w.store();
        let clients = s.list_clients(&Clients::All).await.unwrap();
        let apps = s.list_applications(&Clients::All).await.unwrap();
        let decisions = s.list_decisions(&Clients::All).await.unwrap();
        let entries = s.list_entries(&Clients::All).await.unwrap();
        let transitions = s.list_transitions(None).await.unwrap();
        let stays = s.list_stay_headers(&Clients::All).await.unwrap();
        let versions = s.list_stay_versions(&Clients::All).await.unwrap();
        let screenings = s.list_screenings(&Clients::All, &ScreeningFilter::default()).await.unwrap();
        let assessments = s.list_assessments(&Clients::All, None).await.unwrap();
        let region_of: HashMap<GemeenteCode, i64> = s
            .list_municipalities()
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.code, m.region_id))
            .collect();
        let entry_client: HashMap<i64, i64> = entries.iter().map(|e| (e.id, e.client_id)).collect();
        let stay_client: HashMap<i64, i64> = stays.iter().map(|h| (h.id, h.client_id)).collect();
        let provider = screenings[0].provider_id;
        let huizen = gm("GM0406");
        let region = region_of[&huizen];
        for link in [
            ClientLink::Municipality(huizen.clone()),
            ClientLink::Region(region),
            ClientLink::Provider(provider),
        ] {
            let at = |m: &GemeenteCode| match &link {
                ClientLink::Municipality(own) => m == own,
                ClientLink::Region(r) => region_of.get(m) == Some(r),
                ClientLink::Provider(_) | ClientLink::AccessPoint(_) => false,
            };
            let mut linked: BTreeSet<i64> = BTreeSet::new();
            linked.extend(clients.iter().filter(|c| at(&c.registered_by)).map(|c| c.id));
            linked.extend(apps.iter().filter(|a| at(&a.municipality)).map(|a| a.client_id));
            linked.extend(decisions.iter().filter(|d| at(&d.responsible)).map(|d| d.client_id));
            if let ClientLink::Provider(p) = link {
                // A referral not corrected away (retracted or superseded),
                // a stay whose version in force is there.
                let superseded: BTreeSet<i64> = transitions.iter().filter_map(|t| t.supersedes).collect();
                linked.extend(
                    transitions
                        .iter()
                        .filter(|t| !t.retracted && !superseded.contains(&t.id))
                        .filter(|t| matches!(t.status, zothuis_domain::waitlist::Status::InScreening { provider_id } if provider_id == p))
                        .map(|t| entry_client[&t.entry_id]),
                );
                linked.extend(
                    zothuis_domain::care::stays_at(&stays, &versions, DateTime::<Utc>::MAX_UTC)
                        .iter()
                        .filter(|st| st.provider_id == p)
                        .map(|st| st.client_id),
                );
            }
            assert!(!linked.is_empty(), "{link:?}");
            let bound = Clients::Linked(link.clone());
            let ids = |v: Vec<i64>| v.into_iter().collect::<BTreeSet<_>>();
            assert_eq!(ids(s.list_clients(&bound).await.unwrap().iter().map(|c| c.id).collect()), linked);
            let keep = |id: &i64| linked.contains(id);
            assert_eq!(
                s.list_applications(&bound).await.unwrap(),
                apps.iter().filter(|a| keep(&a.client_id)).cloned().collect::<Vec<_>>()
            );
            assert_eq!(
                s.list_decisions(&bound).await.unwrap(),
                decisions.iter().filter(|d| keep(&d.client_id)).cloned().collect::<Vec<_>>()
            );
            assert_eq!(
                s.list_entries(&bound).await.unwrap(),
                entries.iter().filter(|e| keep(&e.client_id)).cloned().collect::<Vec<_>>()
            );
            assert_eq!(
                s.client_transitions(&bound).await.unwrap(),
                transitions.iter().filter(|t| keep(&entry_client[&t.entry_id])).cloned().collect::<Vec<_>>()
            );
            assert_eq!(
                s.list_stay_headers(&bound).await.unwrap(),
                stays.iter().filter(|h| keep(&h.client_id)).cloned().collect::<Vec<_>>()
            );
            assert_eq!(
                s.list_stay_versions(&bound).await.unwrap(),
                versions.iter().filter(|v| keep(&stay_client[&v.stay_id])).cloned().collect::<Vec<_>>()
            );
            assert_eq!(
                s.list_screenings(&bound, &ScreeningFilter::default()).await.unwrap(),
                screenings.iter().filter(|sc| keep(&sc.client_id)).cloned().collect::<Vec<_>>()
            );
            assert_eq!(
                s.list_assessments(&bound, None).await.unwrap(),
                assessments.iter().filter(|a| keep(&a.client_id)).cloned().collect::<Vec<_>>()
            );
            let access = s.client_access(&bound).await.unwrap();
            assert_eq!(ids(access.iter().map(|a| a.client_id).collect()), linked);
            assert_eq!(
                ids(s.restricted_clients(&bound).await.unwrap()),
                access.iter().filter(|a| a.restricted).map(|a| a.client_id).collect()
            );
            // The same clients named by id read the same rows.
            let named = Clients::Ids(linked.iter().copied().collect());
            assert_eq!(s.client_access(&named).await.unwrap(), access);
            assert_eq!(
                s.list_entries(&named).await.unwrap(),
                s.list_entries(&bound).await.unwrap()
            );
            assert_eq!(
                s.client_transitions(&named).await.unwrap(),
                s.client_transitions(&bound).await.unwrap()
            );
            assert_eq!(
                s.list_clients(&named).await.unwrap(),
                s.list_clients(&bound).await.unwrap()
            );
            for row in access.iter().step_by(7) {
                assert_eq!(
                    s.client_access(&Clients::One(row.client_id)).await.unwrap(),
                    vec![row.clone()]
                );
            }
        }
        // A list's keys are its rows' ids and clients, in its order, within
        // every bound (`Services::scoped_keys` pages on them).
        let in_force = zothuis_domain::care::stays_at(&stays, &versions, DateTime::<Utc>::MAX_UTC);
        let mut moments: Vec<DateTime<Utc>> = decisions.iter().map(|d| d.recorded_at).collect();
        moments.sort();
        let middle = moments[moments.len() / 2];
        let mut days: Vec<NaiveDate> = in_force.iter().flat_map(|st| [Some(st.start_date), st.end_date]).flatten().collect();
        days.sort();
        days.dedup();
        let key = |id: i64, client_id: i64| ListKey { id, client_id };
        for bound in [
            Clients::All,
            Clients::Linked(ClientLink::Region(region_of[&huizen])),
            Clients::Linked(ClientLink::Provider(provider)),
            Clients::One(decisions[0].client_id),
            Clients::Ids(vec![decisions[0].client_id, in_force[0].client_id]),
        ] {
            let linked: BTreeSet<i64> = s.list_clients(&bound).await.unwrap().iter().map(|c| c.id).collect();
            assert_eq!(
                s.client_keys(&bound).await.unwrap(),
                s.list_clients(&bound).await.unwrap().iter().map(|c| key(c.id, c.id)).collect::<Vec<_>>(),
                "{bound:?}"
            );
            for known_at in [None, Some(middle)] {
                let recorded = |at: DateTime<Utc>| known_at.is_none_or(|k| at <= k);
                assert_eq!(
                    s.decision_keys(&bound, known_at).await.unwrap(),
                    decisions.iter().filter(|d| linked.contains(&d.client_id) && recorded(d.recorded_at))
                        .map(|d| key(d.id, d.client_id)).collect::<Vec<_>>(),
                    "{bound:?} {known_at:?}"
                );
                assert_eq!(
                    s.application_keys(&bound, known_at).await.unwrap(),
                    apps.iter().filter(|a| linked.contains(&a.client_id) && recorded(a.recorded_at))
                        .map(|a| key(a.id, a.client_id)).collect::<Vec<_>>(),
                    "{bound:?} {known_at:?}"
                );
            }
            let on_days = std::iter::once(None).chain(days.iter().step_by(3).map(|d| Some(*d)));
            for on in on_days {
                for at_provider in [None, Some(provider)] {
                    let want: Vec<ListKey> = in_force
                        .iter()
                        .filter(|st| linked.contains(&st.client_id))
                        .filter(|st| on.is_none_or(|d| st.is_active_on(d)))
                        .filter(|st| at_provider.is_none_or(|p| st.provider_id == p))
                        .map(|st| key(st.id, st.client_id))
                        .collect();
                    assert_eq!(
                        s.current_stay_keys(&bound, on, at_provider).await.unwrap(),
                        want,
                        "{bound:?} {on:?} {at_provider:?}"
                    );
                }
            }
        }
        assert!(s.client_access(&Clients::One(i64::MAX)).await.unwrap().is_empty());
        assert!(s.client_access(&Clients::Ids(Vec::new())).await.unwrap().is_empty());
        assert!(s.list_clients(&Clients::Ids(vec![i64::MAX])).await.unwrap().is_empty());
    })
    .await;
}

/// `policy::link_is_scope`: for the waitlist manager, the consultant and a
/// provider, a client is readable exactly when the store links it to their
/// scope and it is not restricted without a grant, so that lists decide
/// only the restricted clients on their facts
/// (`Services::readable_in_scope`).
#[tokio::test]
async fn the_manager_and_consultant_scope_is_the_store_link() {
    use zothuis_domain::admin::{Actor, ActorKind};
    use zothuis_domain::policy::{Action, ClientAccess, can, link_is_scope};
    on_every_backend(true, |w| async move {
        let s = w.store();
        let user = |name: &'static str| {
            let s = w.store();
            async move { s.find_credentials(name).await.unwrap().unwrap().user.id }
        };
        let consultant = user("consulent.huizen").await;
        let manager = user("wachtlijst.gv").await;
        // Restricted clients: granted to the consultant or to nobody, in
        // Huizen and in Velsen (another region).
        for (bsn, municipality, grant) in [
            ("999990019", "GM0406", Some(consultant)),
            ("999990020", "GM0406", None),
            ("999990032", "GM0453", Some(consultant)),
        ] {
            let data = ClientInput {
                given_name: "Noor".into(),
                family_name: "Afgeschermd".into(),
                date_of_birth: "1991-05-06".into(),
                bsn: Some(bsn.into()),
                restricted: true,
                ..Default::default()
            }
            .parse(start().date_naive())
            .unwrap();
            s.create_client(
                &data,
                &gm(municipality),
                w.now(),
                "x",
                grant,
                w.created(ObjectType::Client),
            )
            .await
            .unwrap();
        }
        let everyone = s.client_access(&Clients::All).await.unwrap();
        let region = w.region("GV").await.id;
        // Every provider that has a referral or a placement.
        let providers: std::collections::BTreeSet<i64> = everyone
            .iter()
            .flat_map(|a| a.providers.iter().copied())
            .collect();
        assert!(providers.len() > 1);
        let provider_cases = providers.iter().map(|p| {
            (
                1,
                Role::Aanbieder,
                Scope::Aanbieder(*p),
                ClientLink::Provider(*p),
            )
        });
        let cases = [
            (
                manager,
                Role::Wachtlijstbeheerder,
                Scope::Regio(region),
                ClientLink::Region(region),
            ),
            (
                consultant,
                Role::WmoConsulent,
                Scope::Gemeente(gm("GM0406")),
                ClientLink::Municipality(gm("GM0406")),
            ),
            (
                consultant,
                Role::WmoConsulent,
                Scope::Gemeente(gm("GM0453")),
                ClientLink::Municipality(gm("GM0453")),
            ),
        ];
        for (id, role, scope, link) in cases.into_iter().chain(provider_cases) {
            let actor = Actor {
                kind: ActorKind::User,
                id,
                name: "test".into(),
                role,
                scope,
            };
            assert!(link_is_scope(&actor));
            let linked: std::collections::BTreeSet<i64> = s
                .list_clients(&Clients::Linked(link.clone()))
                .await
                .unwrap()
                .iter()
                .map(|c| c.id)
                .collect();
            for a in &everyone {
                let access = ClientAccess {
                    municipalities: &a.municipalities,
                    regions: &a.regions,
                    providers: &a.providers,
                    access_points: &a.access_points,
                    restricted: a.restricted,
                    granted: a.restricted && a.grants.contains(&actor.id),
                };
                let allowed = can(&actor, Action::ViewClient(&access)).is_allowed();
                let by_link = linked.contains(&a.client_id) && (!a.restricted || access.granted);
                assert_eq!(allowed, by_link, "{link:?}: cliënt {}", a.client_id);
            }
        }
        for (link, n) in [
            (ClientLink::Region(region), 2),
            (ClientLink::Municipality(gm("GM0406")), 2),
            (ClientLink::Municipality(gm("GM0453")), 1),
        ] {
            let restricted = s.restricted_clients(&Clients::Linked(link)).await.unwrap();
            assert_eq!(restricted.len(), n);
            assert!(restricted.windows(2).all(|p| p[0] < p[1]), "ascending");
        }
    })
    .await;
}

/// Registrations at the central access point: a new person is registered
/// with the registration in one transaction (two audit rows), a version is
/// refused when stale, every version is kept and a registration reads as
/// known at any moment; the access facts and the access point's link name
/// the region that registered the client.
#[tokio::test]
async fn access_point_registrations_keep_every_version_and_link_their_region() {
    use zothuis_domain::shelter::{
        OriginBasis, RegistrationFacts, RegistrationKind, RegistrationOutcome,
    };
    use zothuis_domain::store::{NewPerson, RegistrationPerson};
    on_every_backend(false, |w| async move {
        let s = w.store();
        let region = w.region("GV").await.id;
        let facts = RegistrationFacts {
            kind: RegistrationKind::Traject,
            reported_on: day("2026-01-05"),
            origin: Some(gm("GM0406")),
            origin_basis: OriginBasis::Opgave,
            outcome: None,
            outcome_on: None,
            referred_to: None,
            end_reason: None,
            note: Some("slaapt in de auto".into()),
        };
        let data = ClientInput {
            given_name: "Sam".into(),
            family_name: "Zonderdak".into(),
            date_of_birth: "1980-02-03".into(),
            ..Default::default()
        }
        .parse(start().date_naive())
        .unwrap();
        let audit_rows = || async {
            s.list_audit(&AuditFilter::default(), PageRequest::new(Some(1), Some(1)))
                .await
                .unwrap()
                .total
        };
        let before = audit_rows().await;
        let first = s
            .create_registration(
                &RegistrationPerson::New(Box::new(NewPerson {
                    data,
                    registered_by: gm("GM0402"),
                    grant_to: None,
                    audit: w.created(ObjectType::Client),
                })),
                region,
                &facts,
                w.now(),
                "x",
                w.created(ObjectType::MeldingOpvang),
            )
            .await
            .unwrap();
        assert_eq!(audit_rows().await, before + 2, "de cliënt en de melding");
        let client = s.get_client(first.client_id).await.unwrap().unwrap();
        assert_eq!(client.family_name, "Zonderdak");
        assert_eq!(
            (first.region_id, first.facts.clone()),
            (region, facts.clone())
        );
        let created = w.now();
        w.clock.advance(Duration::hours(1));
        let outcome = RegistrationFacts {
            outcome: Some(RegistrationOutcome::Zelfredzaam),
            outcome_on: Some(day("2026-01-09")),
            referred_to: Some(gm("GM0406")),
            ..facts.clone()
        };
        let second = s
            .add_registration_version(
                first.id,
                first.version_id,
                &outcome,
                w.now(),
                "x",
                w.created(ObjectType::MeldingOpvang),
            )
            .await
            .unwrap();
        assert_eq!(second.facts, outcome);
        assert!(second.version_id > first.version_id);
        assert!(is_stale(
            s.add_registration_version(
                first.id,
                first.version_id,
                &facts,
                w.now(),
                "x",
                w.created(ObjectType::MeldingOpvang)
            )
            .await
        ));
        assert!(matches!(
            s.add_registration_version(
                i64::MAX,
                1,
                &facts,
                w.now(),
                "x",
                w.created(ObjectType::MeldingOpvang)
            )
            .await,
            Err(DomainError::NotFound(_))
        ));
        assert_eq!(
            s.registration_versions(first.id).await.unwrap(),
            vec![first.clone(), second.clone()]
        );
        assert!(s.registration_versions(i64::MAX).await.unwrap().is_empty());
        // A returning person: a second registration for the same client.
        let again = s
            .create_registration(
                &RegistrationPerson::Existing(first.client_id),
                region,
                &RegistrationFacts {
                    kind: RegistrationKind::Signaal,
                    ..facts.clone()
                },
                w.now(),
                "x",
                w.created(ObjectType::MeldingOpvang),
            )
            .await
            .unwrap();
        // As known at a moment: the version recorded by then, later ones left out.
        let one = Clients::One(first.client_id);
        assert_eq!(
            s.list_registrations(&one, None, created).await.unwrap(),
            vec![first.clone()]
        );
        assert_eq!(
            s.list_registrations(&one, Some(region), w.now())
                .await
                .unwrap(),
            vec![second.clone(), again.clone()]
        );
        assert!(
            s.list_registrations(&one, Some(region + 1), w.now())
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            s.list_registrations(&one, None, start())
                .await
                .unwrap()
                .is_empty()
        );
        // The access point links the client to its region.
        let access = s.client_access(&one).await.unwrap();
        assert_eq!(access[0].access_points, vec![region]);
        let linked = s
            .list_clients(&Clients::Linked(ClientLink::AccessPoint(region)))
            .await
            .unwrap();
        assert_eq!(
            linked.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![first.client_id]
        );
        assert_eq!(
            s.list_registrations(
                &Clients::Linked(ClientLink::AccessPoint(region)),
                None,
                w.now()
            )
            .await
            .unwrap()
            .len(),
            2
        );
    })
    .await;
}

/// The Pact voor uitstroom: agreements are kept as rows (a new one for the
/// same municipality and year does not overwrite the old), a nomination's
/// versions are all kept, a stale version is refused, and a nomination
/// reads as known at any moment, bounded by clients and region.
#[tokio::test]
async fn pact_agreements_and_nominations_keep_their_history() {
    use zothuis_domain::outflow::{
        HousingOutcome, NominationFacts, OutflowFrom, OutflowRoute, QuotaData,
    };
    on_every_backend(true, |w| async move {
        let s = w.store();
        let region = w.region("ZKIH").await.id;
        // The demo population has agreements and nominations of its own.
        let quotas_before = s.quota_rows(Some(region)).await.unwrap();
        let all_quotas_before = s.quota_rows(None).await.unwrap().len();
        let nominations_before = s
            .list_nominations(&Clients::All, None, w.now())
            .await
            .unwrap()
            .len();
        let quota = |homes: u32| QuotaData {
            municipality: gm("GM0453"),
            year: 2026,
            homes,
            note: None,
        };
        let first = s
            .add_quota(
                region,
                &quota(30),
                w.now(),
                "x",
                w.created(ObjectType::PactAfspraak),
            )
            .await
            .unwrap();
        w.clock.advance(Duration::hours(1));
        let second = s
            .add_quota(
                region,
                &quota(32),
                w.now(),
                "x",
                w.created(ObjectType::PactAfspraak),
            )
            .await
            .unwrap();
        assert_eq!((first.homes, second.homes, second.year), (30, 32, 2026));
        let rows = s.quota_rows(Some(region)).await.unwrap();
        assert_eq!(
            rows,
            [quotas_before, vec![first.clone(), second.clone()]].concat()
        );
        assert!(s.quota_rows(Some(region + 1000)).await.unwrap().is_empty());
        assert_eq!(
            s.quota_rows(None).await.unwrap().len(),
            all_quotas_before + 2
        );

        // A stay of a client without a nomination yet.
        let taken: Vec<i64> = s
            .list_nominations(&Clients::All, None, w.now())
            .await
            .unwrap()
            .iter()
            .map(|n| n.client_id)
            .collect();
        let stay = s
            .list_stay_headers(&Clients::All)
            .await
            .unwrap()
            .into_iter()
            .find(|h| !taken.contains(&h.client_id))
            .unwrap();
        let provider = s.list_providers().await.unwrap()[0].id;
        let facts = NominationFacts {
            route: OutflowRoute::Pact,
            leaves: OutflowFrom::BeschermdWonen,
            stay_id: Some(stay.id),
            nominated_on: day("2026-01-05"),
            municipality: gm("GM0453"),
            corporation_id: None,
            address_municipality: None,
            key_on: None,
            withdrawn_on: None,
            withdrawal_reason: None,
            aftercare_provider: None,
            aftercare_from: None,
            aftercare_until: None,
            housing: None,
            housing_on: None,
            note: Some("klaar voor zelfstandig wonen".into()),
        };
        let nominated = s
            .create_nomination(
                stay.client_id,
                region,
                &facts,
                w.now(),
                "x",
                w.created(ObjectType::Voordracht),
            )
            .await
            .unwrap();
        assert_eq!(
            (nominated.client_id, nominated.region_id),
            (stay.client_id, region)
        );
        assert_eq!(nominated.facts, facts);
        let created = w.now();
        w.clock.advance(Duration::hours(1));
        let housed = NominationFacts {
            corporation_id: Some(s.list_corporations(None).await.unwrap()[0].id),
            address_municipality: Some(gm("GM0453")),
            key_on: Some(day("2026-05-01")),
            aftercare_provider: Some(provider),
            aftercare_from: Some(day("2026-05-01")),
            aftercare_until: None,
            housing: Some(HousingOutcome::Gehuisvest),
            housing_on: Some(day("2026-06-01")),
            ..facts.clone()
        };
        let allocated = s
            .add_nomination_version(
                nominated.id,
                nominated.version_id,
                &housed,
                w.now(),
                "x",
                w.created(ObjectType::Voordracht),
            )
            .await
            .unwrap();
        assert_eq!(allocated.facts, housed);
        assert!(is_stale(
            s.add_nomination_version(
                nominated.id,
                nominated.version_id,
                &facts,
                w.now(),
                "x",
                w.created(ObjectType::Voordracht)
            )
            .await
        ));
        assert!(matches!(
            s.add_nomination_version(
                i64::MAX,
                1,
                &facts,
                w.now(),
                "x",
                w.created(ObjectType::Voordracht)
            )
            .await,
            Err(DomainError::NotFound(_))
        ));
        assert_eq!(
            s.nomination_versions(nominated.id).await.unwrap(),
            vec![nominated.clone(), allocated.clone()]
        );
        assert!(s.nomination_versions(i64::MAX).await.unwrap().is_empty());
        let one = Clients::One(stay.client_id);
        assert_eq!(
            s.list_nominations(&one, None, created).await.unwrap(),
            vec![nominated.clone()]
        );
        assert_eq!(
            s.list_nominations(&one, Some(region), w.now())
                .await
                .unwrap(),
            vec![allocated.clone()]
        );
        assert!(
            s.list_nominations(&one, Some(region + 1000), w.now())
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            s.list_nominations(&one, None, start())
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            s.list_nominations(&Clients::All, None, w.now())
                .await
                .unwrap()
                .len(),
            nominations_before + 1
        );
    })
    .await;
}

/// Zorgcoördinatie: a trajectory is opened with its first melding in one
/// transaction, for a new person or one the region's team knows; versions
/// are kept, a stale one refused; meldingen are kept in order; a trajectory
/// reads as known at any moment, bounded by region.
#[tokio::test]
async fn outreach_trajectories_keep_their_versions_and_meldingen() {
    use zothuis_domain::outreach::{ReportData, ReportSource, TrajectoryFacts, TrajectoryOutcome};
    on_every_backend(false, |w| async move {
        let s = w.store();
        let region = w.region("ZKIH").await.id;
        let other = w.region("GV").await.id;
        let facts = TrajectoryFacts {
            municipality: gm("GM0392"),
            person: "man, ca. 50, slaapt in het park".into(),
            started_on: day("2026-01-05"),
            closed_on: None,
            outcome: None,
            note: None,
        };
        let first = ReportData {
            reported_on: day("2026-01-05"),
            source: ReportSource::Buren,
        };
        let (opened, melding) = s
            .create_trajectory(
                None,
                region,
                &facts,
                &first,
                w.now(),
                "x",
                w.created(ObjectType::Zorgcoordinatie),
            )
            .await
            .unwrap();
        assert_eq!(
            (opened.region_id, opened.facts.clone()),
            (region, facts.clone())
        );
        assert_eq!(
            (melding.trajectory_id, melding.reported_on, melding.source),
            (opened.id, first.reported_on, first.source)
        );
        let created = w.now();
        w.clock.advance(Duration::hours(1));
        let second = s
            .add_outreach_report(
                opened.id,
                &ReportData {
                    reported_on: day("2026-01-09"),
                    source: ReportSource::Politie,
                },
                w.now(),
                "x",
                w.created(ObjectType::MeldingZorgcoordinatie),
            )
            .await
            .unwrap();
        assert!(matches!(
            s.add_outreach_report(
                i64::MAX,
                &first,
                w.now(),
                "x",
                w.created(ObjectType::MeldingZorgcoordinatie)
            )
            .await,
            Err(DomainError::NotFound(_))
        ));
        assert_eq!(
            s.outreach_reports(opened.id).await.unwrap(),
            vec![melding.clone(), second.clone()]
        );
        let closed = TrajectoryFacts {
            closed_on: Some(day("2026-01-20")),
            outcome: Some(TrajectoryOutcome::Toegeleid),
            ..facts.clone()
        };
        let changed = s
            .add_trajectory_version(
                opened.id,
                opened.version_id,
                &closed,
                w.now(),
                "x",
                w.created(ObjectType::Zorgcoordinatie),
            )
            .await
            .unwrap();
        assert_eq!(changed.facts, closed);
        assert!(is_stale(
            s.add_trajectory_version(
                opened.id,
                opened.version_id,
                &facts,
                w.now(),
                "x",
                w.created(ObjectType::Zorgcoordinatie)
            )
            .await
        ));
        assert_eq!(
            s.trajectory_versions(opened.id).await.unwrap(),
            vec![opened.clone(), changed.clone()]
        );
        assert!(s.trajectory_versions(i64::MAX).await.unwrap().is_empty());
        // The same person again, and a person of another region refused.
        let (again, _) = s
            .create_trajectory(
                Some(opened.person_id),
                region,
                &facts,
                &first,
                w.now(),
                "x",
                w.created(ObjectType::Zorgcoordinatie),
            )
            .await
            .unwrap();
        assert_eq!(again.person_id, opened.person_id);
        assert!(matches!(
            s.create_trajectory(
                Some(opened.person_id),
                other,
                &facts,
                &first,
                w.now(),
                "x",
                w.created(ObjectType::Zorgcoordinatie)
            )
            .await,
            Err(DomainError::NotFound(_))
        ));
        assert_eq!(
            s.list_trajectories(Some(region), created).await.unwrap(),
            vec![opened.clone()]
        );
        assert_eq!(
            s.list_trajectories(Some(region), w.now()).await.unwrap(),
            vec![changed.clone(), again.clone()]
        );
        assert!(
            s.list_trajectories(Some(other), w.now())
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(s.list_trajectories(None, start()).await.unwrap(), vec![]);
    })
    .await;
}

/// Huren Onder Voorwaarden: versions are kept and a stale one refused; a
/// list reads each trajectory as known at a moment, for a region, for the
/// municipality and for the provider its version in force names.
#[tokio::test]
async fn hov_trajectories_keep_their_versions() {
    use zothuis_domain::store::Tenancies;
    use zothuis_domain::tenancy::{TenancyFacts, TenancyReason, TenancyResult};
    on_every_backend(false, |w| async move {
        let s = w.store();
        let region = w.region("GV").await.id;
        let provider = s.list_providers().await.unwrap()[0].id;
        let corporation = s
            .create_corporation(
                &zothuis_domain::reference::CorporationData {
                    name: zothuis_domain::reference::Name::parse("Woningstichting Voorbeeld")
                        .unwrap(),
                    region_id: region,
                },
                w.created(ObjectType::Corporatie),
            )
            .await
            .unwrap();
        let facts = TenancyFacts {
            municipality: gm("GM0406"),
            tenant: "J.K.".into(),
            corporation_id: corporation.id,
            provider_id: None,
            reason: TenancyReason::Huurachterstand,
            started_on: day("2026-01-05"),
            ended_on: None,
            result: None,
            note: None,
        };
        let created = s
            .create_tenancy(
                region,
                &facts,
                w.now(),
                "x",
                w.created(ObjectType::HovTraject),
            )
            .await
            .unwrap();
        assert_eq!(
            (created.region_id, created.facts.clone()),
            (region, facts.clone())
        );
        assert_eq!(created.corporation, "Woningstichting Voorbeeld", "its name");
        let then = w.now();
        w.clock.advance(Duration::hours(1));
        let ended = TenancyFacts {
            municipality: gm("GM0402"),
            provider_id: Some(provider),
            ended_on: Some(day("2026-02-01")),
            result: Some(TenancyResult::HuurOpNaam),
            ..facts.clone()
        };
        let changed = s
            .add_tenancy_version(
                created.id,
                created.version_id,
                &ended,
                w.now(),
                "x",
                w.created(ObjectType::HovTraject),
            )
            .await
            .unwrap();
        assert_eq!(changed.facts, ended);
        assert!(is_stale(
            s.add_tenancy_version(
                created.id,
                created.version_id,
                &facts,
                w.now(),
                "x",
                w.created(ObjectType::HovTraject)
            )
            .await
        ));
        assert_eq!(
            s.tenancy_versions(created.id).await.unwrap(),
            vec![created.clone(), changed.clone()]
        );
        assert!(s.tenancy_versions(i64::MAX).await.unwrap().is_empty());
        let list =
            |which: Tenancies, at| async move { s.list_tenancies(&which, at).await.unwrap() };
        assert_eq!(
            list(Tenancies::Region(region), then).await,
            vec![created.clone()]
        );
        assert_eq!(list(Tenancies::All, w.now()).await, vec![changed.clone()]);
        assert_eq!(list(Tenancies::All, start()).await, vec![]);
        // By the version in force: Huizen then, Hilversum and the provider now.
        assert_eq!(
            list(Tenancies::Municipality(gm("GM0406")), then).await,
            vec![created.clone()]
        );
        assert!(
            list(Tenancies::Municipality(gm("GM0406")), w.now())
                .await
                .is_empty()
        );
        assert_eq!(
            list(Tenancies::Municipality(gm("GM0402")), w.now()).await,
            vec![changed.clone()]
        );
        assert!(list(Tenancies::Provider(provider), then).await.is_empty());
        assert_eq!(
            list(Tenancies::Provider(provider), w.now()).await,
            vec![changed.clone()]
        );
        assert!(
            list(Tenancies::Region(region + 1000), w.now())
                .await
                .is_empty()
        );
    })
    .await;
}

/// Corporations of a region: created, renamed with the version checked,
/// listed per region by name, unique by name within a region, deleted.
#[tokio::test]
async fn corporations_belong_to_a_region() {
    use zothuis_domain::reference::CorporationData;
    on_every_backend(false, |w| async move {
        let s = w.store();
        let gv = w.region("GV").await.id;
        let zkih = w.region("ZKIH").await.id;
        let data = |name: &str, region_id| CorporationData {
            name: zothuis_domain::reference::Name::parse(name).unwrap(),
            region_id,
        };
        let before = s.list_corporations(Some(gv)).await.unwrap().len();
        let made = s
            .create_corporation(
                &data("Woonstichting Voorbeeld", gv),
                w.created(ObjectType::Corporatie),
            )
            .await
            .unwrap();
        assert_eq!(
            (made.region_id, made.name.as_str()),
            (gv, "Woonstichting Voorbeeld")
        );
        assert!(matches!(
            s.create_corporation(
                &data("Woonstichting Voorbeeld", gv),
                w.created(ObjectType::Corporatie)
            )
            .await,
            Err(DomainError::Conflict(_))
        ));
        // The same name in another region is another corporation.
        s.create_corporation(
            &data("Woonstichting Voorbeeld", zkih),
            w.created(ObjectType::Corporatie),
        )
        .await
        .unwrap();
        let renamed = s
            .update_corporation(
                made.id,
                made.version,
                &data("Aa Wonen", gv),
                w.created(ObjectType::Corporatie),
            )
            .await
            .unwrap();
        assert_eq!(renamed.version, made.version + 1);
        assert!(is_stale(
            s.update_corporation(
                made.id,
                made.version,
                &data("Zz Wonen", gv),
                w.created(ObjectType::Corporatie)
            )
            .await
        ));
        let listed = s.list_corporations(Some(gv)).await.unwrap();
        assert_eq!(listed.len(), before + 1);
        assert_eq!(listed[0], renamed, "by name");
        assert_eq!(
            s.get_corporation(made.id).await.unwrap(),
            Some(renamed.clone())
        );
        s.delete_corporation(made.id, renamed.version, w.created(ObjectType::Corporatie))
            .await
            .unwrap();
        assert_eq!(s.get_corporation(made.id).await.unwrap(), None);
        assert!(s.list_corporations(None).await.unwrap().len() >= 2);
    })
    .await;
}

/// A melding recorded in error is retracted once, with its reason; the
/// melding stays, marked, and the figures' stamp moves.
#[tokio::test]
async fn a_melding_is_retracted_once_and_kept() {
    use zothuis_domain::outreach::{ReportData, ReportSource, TrajectoryFacts};
    on_every_backend(false, |w| async move {
        let s = w.store();
        let region = w.region("ZKIH").await.id;
        let facts = TrajectoryFacts {
            municipality: gm("GM0392"),
            person: "vrouw, ca. 40".into(),
            started_on: day("2026-01-05"),
            closed_on: None,
            outcome: None,
            note: None,
        };
        let first = ReportData {
            reported_on: day("2026-01-05"),
            source: ReportSource::Buren,
        };
        let (opened, melding) = s
            .create_trajectory(
                None,
                region,
                &facts,
                &first,
                w.now(),
                "x",
                w.created(ObjectType::Zorgcoordinatie),
            )
            .await
            .unwrap();
        assert_eq!(melding.retracted, None);
        let stamp = s.figure_stamp().await.unwrap();
        w.clock.advance(Duration::hours(1));
        let retracted = s
            .retract_outreach_report(
                melding.id,
                "dubbel ingevoerd",
                w.now(),
                "y",
                w.created(ObjectType::MeldingZorgcoordinatie),
            )
            .await
            .unwrap();
        let r = retracted.retracted.clone().unwrap();
        assert_eq!(
            (r.reason.as_str(), r.recorded_by.as_str(), r.recorded_at),
            ("dubbel ingevoerd", "y", w.now())
        );
        assert_ne!(s.figure_stamp().await.unwrap(), stamp);
        assert_eq!(
            s.outreach_reports(opened.id).await.unwrap(),
            vec![retracted]
        );
        assert!(matches!(
            s.retract_outreach_report(
                melding.id,
                "nogmaals",
                w.now(),
                "y",
                w.created(ObjectType::MeldingZorgcoordinatie)
            )
            .await,
            Err(DomainError::Conflict(_))
        ));
        assert!(matches!(
            s.retract_outreach_report(
                i64::MAX,
                "onbekend",
                w.now(),
                "y",
                w.created(ObjectType::MeldingZorgcoordinatie)
            )
            .await,
            Err(DomainError::NotFound(_))
        ));
    })
    .await;
}

/// Tariffs: versions are kept and a stale one refused; a list reads each
/// tariff as known at a moment, of one region or all; amounts come back
/// to the cent, a withdrawal and an open end too.
#[tokio::test]
async fn tariffs_keep_their_versions() {
    use zothuis_domain::finance::{Bedrag, TariffFacts};
    use zothuis_domain::reference::TariffUnit;
    on_every_backend(false, |w| async move {
        let s = w.store();
        let gv = w.region("GV").await.id;
        let zkih = w.region("ZKIH").await.id;
        let product = s.list_products().await.unwrap()[0].id;
        let provider = s.list_providers().await.unwrap()[0].id;
        let facts = TariffFacts {
            product_id: product,
            provider_id: None,
            unit: TariffUnit::PerJaar,
            amount: Bedrag(5_500_012),
            valid_from: day("2025-01-01"),
            valid_until: None,
            withdrawn: false,
            note: Some("contract 2025".into()),
            financing: zothuis_domain::reference::Financing::Pgb,
            care_level: zothuis_domain::reference::CareLevel::new(2),
        };
        let created = s
            .create_tariff(gv, &facts, w.now(), "x", w.created(ObjectType::Tarief))
            .await
            .unwrap();
        assert_eq!(
            (created.region_id, created.facts.clone()),
            (gv, facts.clone())
        );
        let then = w.now();
        w.clock.advance(Duration::hours(1));
        let corrected = TariffFacts {
            provider_id: Some(provider),
            unit: TariffUnit::PerDag,
            amount: Bedrag(15_123),
            valid_until: Some(day("2025-12-31")),
            withdrawn: true,
            note: None,
            ..facts.clone()
        };
        let changed = s
            .add_tariff_version(
                created.id,
                created.version_id,
                &corrected,
                w.now(),
                "y",
                w.created(ObjectType::Tarief),
            )
            .await
            .unwrap();
        assert_eq!(
            (changed.facts.clone(), changed.recorded_by.as_str()),
            (corrected, "y")
        );
        assert!(is_stale(
            s.add_tariff_version(
                created.id,
                created.version_id,
                &facts,
                w.now(),
                "x",
                w.created(ObjectType::Tarief)
            )
            .await
        ));
        assert_eq!(
            s.tariff_versions(created.id).await.unwrap(),
            vec![created.clone(), changed.clone()]
        );
        assert!(s.tariff_versions(i64::MAX).await.unwrap().is_empty());
        // The demo's tariffs are there too; this one is read as known.
        let this = |list: Vec<zothuis_domain::finance::Tariff>| {
            list.into_iter()
                .filter(|t| t.id == created.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            this(s.list_tariffs(Some(gv), then).await.unwrap()),
            vec![created.clone()]
        );
        assert_eq!(
            this(s.list_tariffs(None, w.now()).await.unwrap()),
            vec![changed]
        );
        assert!(this(s.list_tariffs(Some(zkih), w.now()).await.unwrap()).is_empty());
        assert!(
            this(
                s.list_tariffs(None, then - Duration::seconds(1))
                    .await
                    .unwrap()
            )
            .is_empty()
        );
        let all = s.list_tariffs(None, w.now()).await.unwrap();
        assert!(all.iter().any(|t| t.region_id == zkih));
        assert!(all.windows(2).all(|p| p[0].id < p[1].id));
    })
    .await;
}

/// Budgets: every version keeps all its lines in order (a line without
/// amounts too), a stale version is refused, actuals are kept by id.
#[tokio::test]
async fn budgets_keep_every_version_and_actual() {
    use zothuis_domain::finance::Bedrag;
    use zothuis_domain::finance::budget::*;
    use zothuis_domain::store::NewBudget;
    on_every_backend(false, |w| async move {
        let s = w.store();
        let gv = w.region("GV").await.id;
        let line = |code: &str, side, category, amounts: Vec<(i32, i64)>| BudgetLine {
            code: code.into(),
            side,
            category,
            label: format!("Regel {code}"),
            amounts: amounts.into_iter().map(|(y, c)| (y, Bedrag(c))).collect(),
        };
        let data = BudgetVersionData {
            kind: BudgetKind::Begroting,
            title: "Begroting 2025–2028".into(),
            note: None,
            lines: vec![
                line(
                    "a",
                    BudgetSide::Lasten,
                    BudgetCategory::ZorgkostenHistorisch,
                    vec![(2025, 3_983_400_000), (2026, 3_572_900_000)],
                ),
                line("c", BudgetSide::Lasten, BudgetCategory::Innovatie, vec![]),
                line(
                    "k",
                    BudgetSide::Baten,
                    BudgetCategory::RijksbijdrageHistorisch,
                    vec![(2025, 4_512_200_000)],
                ),
            ],
        };
        let (budget, first) = s
            .create_budget(
                &NewBudget {
                    region_id: gv,
                    municipality: Some(gm("GM0402")),
                    name: "GO BW".into(),
                },
                &data,
                w.now(),
                "x",
                w.created(ObjectType::Begroting),
            )
            .await
            .unwrap();
        assert_eq!(
            (budget.region_id, first.lines.clone()),
            (gv, data.lines.clone())
        );
        w.clock.advance(Duration::hours(1));
        let changed = BudgetVersionData {
            kind: BudgetKind::Wijziging,
            title: "Eerste begrotingswijziging 2025".into(),
            note: Some("bijgesteld".into()),
            lines: data.lines[..1].to_vec(),
        };
        let second = s
            .add_budget_version(
                budget.id,
                first.id,
                &changed,
                w.now(),
                "y",
                w.created(ObjectType::Begroting),
            )
            .await
            .unwrap();
        assert!(is_stale(
            s.add_budget_version(
                budget.id,
                first.id,
                &data,
                w.now(),
                "y",
                w.created(ObjectType::Begroting)
            )
            .await
        ));
        let (read, versions) = s.get_budget(budget.id).await.unwrap().unwrap();
        assert_eq!(read, budget);
        assert_eq!(versions, vec![first, second]);
        assert!(s.get_budget(i64::MAX).await.unwrap().is_none());
        // The demo's budgets are there too, one per region.
        let of_gv = s.list_budgets(Some(gv)).await.unwrap();
        assert_eq!(of_gv.last(), Some(&budget));
        assert!(of_gv.iter().all(|b| b.region_id == gv));
        let all = s.list_budgets(None).await.unwrap();
        assert!(all.len() > of_gv.len() && all.windows(2).all(|p| p[0].id < p[1].id));
        assert!(s.list_budgets(Some(gv + 1000)).await.unwrap().is_empty());
        let actual = s
            .add_budget_actual(
                budget.id,
                &BudgetActualData {
                    code: "k".into(),
                    year: 2025,
                    month: 3,
                    amount: Bedrag(-1_234),
                    note: None,
                },
                w.now(),
                "z",
                w.created(ObjectType::Begroting),
            )
            .await
            .unwrap();
        assert_eq!((actual.month, actual.amount), (3, Bedrag(-1_234)));
        assert_eq!(s.budget_actuals(budget.id).await.unwrap(), vec![actual]);
        assert!(s.budget_actuals(i64::MAX).await.unwrap().is_empty());
    })
    .await;
}

/// Distribution keys keep every version with its shares in order, a stale
/// version is refused; published settlements are kept whole, newest first.
#[tokio::test]
async fn distribution_keys_and_settlements_are_kept_whole() {
    use zothuis_domain::finance::settlement::*;
    on_every_backend(false, |w| async move {
        let s = w.store();
        let gv = w.region("GV").await.id;
        let data = KeyData {
            kind: KeyKind::Historisch,
            name: "Historisch budget 2025".into(),
            source: Some("Besluit centrumgemeente".into()),
            shares: vec![
                (gm("GM0402"), Aandeel(625_000)),
                (gm("GM0406"), Aandeel(375_000)),
            ],
        };
        let (key, first) = s
            .create_distribution_key(
                gv,
                &data,
                w.now(),
                "x",
                w.created(ObjectType::Verdeelsleutel),
            )
            .await
            .unwrap();
        assert_eq!((key.region_id, first.data.clone()), (gv, data.clone()));
        w.clock.advance(Duration::hours(1));
        let changed = KeyData {
            kind: KeyKind::Objectief,
            source: None,
            ..data.clone()
        };
        let second = s
            .add_distribution_key_version(
                key.id,
                first.version_id,
                &changed,
                w.now(),
                "y",
                w.created(ObjectType::Verdeelsleutel),
            )
            .await
            .unwrap();
        assert!(is_stale(
            s.add_distribution_key_version(
                key.id,
                first.version_id,
                &data,
                w.now(),
                "y",
                w.created(ObjectType::Verdeelsleutel)
            )
            .await
        ));
        let (read, versions) = s.get_distribution_key(key.id).await.unwrap().unwrap();
        assert_eq!(read, key);
        assert_eq!(versions, vec![first.clone(), second]);
        assert!(s.get_distribution_key(i64::MAX).await.unwrap().is_none());
        let of_gv = s.list_distribution_keys(Some(gv)).await.unwrap();
        assert_eq!(of_gv.last(), Some(&key));
        assert!(of_gv.iter().all(|k| k.region_id == gv));
        assert!(s.list_distribution_keys(None).await.unwrap().len() >= of_gv.len());
        assert!(
            s.list_distribution_keys(Some(gv + 1000))
                .await
                .unwrap()
                .is_empty()
        );

        let statement = PublishedSettlement {
            id: 0,
            region_id: gv,
            period: "2025-K1".into(),
            agreement: "verdeelsleutel".into(),
            key_version_id: Some(first.version_id),
            statement: "[]".into(),
            published_at: w.now(),
            published_by: "x".into(),
        };
        let one = s
            .publish_settlement(&statement, w.created(ObjectType::Verrekening))
            .await
            .unwrap();
        w.clock.advance(Duration::hours(1));
        let two = s
            .publish_settlement(
                &PublishedSettlement {
                    agreement: "kosten".into(),
                    key_version_id: None,
                    published_at: w.now(),
                    ..statement.clone()
                },
                w.created(ObjectType::Verrekening),
            )
            .await
            .unwrap();
        assert_eq!(
            one,
            PublishedSettlement {
                id: one.id,
                ..statement
            }
        );
        assert_eq!(s.get_settlement(two.id).await.unwrap(), Some(two.clone()));
        assert!(s.get_settlement(i64::MAX).await.unwrap().is_none());
        let listed = s.list_settlements(Some(gv)).await.unwrap();
        assert_eq!(listed.first(), Some(&two));
        assert!(listed.windows(2).all(|p| p[0].id > p[1].id));
        assert!(s.list_settlements(None).await.unwrap().contains(&one));
        assert!(
            s.list_settlements(Some(gv + 1000))
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

/// A request of access is kept with its region; answering sets the moment
/// once (a second export keeps the first moment) and writes its audit row
/// in the same transaction; the list is per region, newest first.
#[tokio::test]
async fn requests_of_access_are_kept_per_region_and_answered_once() {
    use zothuis_domain::store::NewAccessRequest;
    on_every_backend(true, |w| async move {
        let s = w.store();
        let region = w.region("GV").await.id;
        let client = s.list_clients(&Clients::All).await.unwrap()[0].id;
        let new = |region_id: Option<i64>| NewAccessRequest {
            client_id: client,
            region_id,
            received_on: NaiveDate::from_ymd_opt(2026, 1, 9).unwrap(),
            identity_check: "paspoort gezien".into(),
            note: Some("per brief".into()),
        };
        let first = s
            .create_access_request(
                &new(Some(region)),
                w.now(),
                "fg",
                w.created(ObjectType::Inzageverzoek),
            )
            .await
            .unwrap();
        let second = s
            .create_access_request(
                &new(None),
                w.now(),
                "fg",
                w.created(ObjectType::Inzageverzoek),
            )
            .await
            .unwrap();
        assert_eq!(
            (
                first.client_id,
                first.region_id,
                first.note.as_deref(),
                first.answered_at
            ),
            (client, Some(region), Some("per brief"), None)
        );
        assert_eq!(
            s.get_access_request(first.id).await.unwrap(),
            Some(first.clone())
        );
        assert_eq!(s.get_access_request(second.id + 1000).await.unwrap(), None);
        let ids = |l: Vec<zothuis_domain::privacy::AccessRequest>| -> Vec<i64> {
            l.into_iter().map(|r| r.id).collect()
        };
        assert_eq!(
            ids(s.list_access_requests(Some(region)).await.unwrap()),
            [first.id]
        );
        assert_eq!(
            ids(s.list_access_requests(None).await.unwrap()),
            [second.id, first.id]
        );

        let audit_before = s.audit_batch(0, 1_000_000).await.unwrap().len();
        let answered_at = w.now();
        let answered = s
            .answer_access_request(
                first.id,
                answered_at,
                "fg",
                w.audit(AuditAction::Viewed, ObjectType::Inzageverzoek),
            )
            .await
            .unwrap();
        assert_eq!(
            (answered.answered_at, answered.answered_by.as_deref()),
            (Some(answered_at), Some("fg"))
        );
        w.clock.advance(Duration::hours(1));
        let again = s
            .answer_access_request(
                first.id,
                w.now(),
                "other",
                w.audit(AuditAction::Viewed, ObjectType::Inzageverzoek),
            )
            .await
            .unwrap();
        assert_eq!(
            again.answered_at,
            Some(answered_at),
            "the first answer counts"
        );
        let rows = s.audit_batch(0, 1_000_000).await.unwrap();
        assert_eq!(rows.len(), audit_before + 2, "each export has its row");
        assert_eq!(rows.last().unwrap().object_id, Some(first.id.to_string()));
        assert!(matches!(
            s.answer_access_request(
                second.id + 1000,
                w.now(),
                "fg",
                w.audit(AuditAction::Viewed, ObjectType::Inzageverzoek)
            )
            .await,
            Err(DomainError::NotFound(_))
        ));
    })
    .await;
}

/// A second factor is set with the step of the code that proved it; a step
/// is accepted once and only if later than the last; removing the factor
/// accepts no step; each change writes its audit row.
#[tokio::test]
async fn a_second_factor_accepts_each_step_once() {
    on_every_backend(false, |w| async move {
        let s = w.store();
        let user = s.list_users().await.unwrap()[0].clone();
        assert!(!user.second_factor);
        assert!(
            !s.use_second_factor_step(user.id, 10).await.unwrap(),
            "none set up"
        );
        let before = s.audit_batch(0, 1_000_000).await.unwrap().len();
        s.set_second_factor(
            user.id,
            Some("JBSWY3DPEHPK3PXP"),
            Some(10),
            w.audit(AuditAction::Updated, ObjectType::Gebruiker),
        )
        .await
        .unwrap();
        let creds = s.find_credentials(&user.username).await.unwrap().unwrap();
        assert_eq!(
            (
                creds.totp_secret.as_deref(),
                creds.totp_last_step,
                creds.user.second_factor
            ),
            (Some("JBSWY3DPEHPK3PXP"), Some(10), true)
        );
        assert!(s.get_user(user.id).await.unwrap().unwrap().second_factor);
        assert!(
            !s.use_second_factor_step(user.id, 10).await.unwrap(),
            "the proving code"
        );
        assert!(
            !s.use_second_factor_step(user.id, 9).await.unwrap(),
            "an older one"
        );
        assert!(s.use_second_factor_step(user.id, 11).await.unwrap());
        assert!(
            !s.use_second_factor_step(user.id, 11).await.unwrap(),
            "once"
        );
        s.set_second_factor(
            user.id,
            None,
            None,
            w.audit(AuditAction::Updated, ObjectType::Gebruiker),
        )
        .await
        .unwrap();
        assert!(!s.use_second_factor_step(user.id, 12).await.unwrap());
        assert!(!s.get_user(user.id).await.unwrap().unwrap().second_factor);
        assert_eq!(s.audit_batch(0, 1_000_000).await.unwrap().len(), before + 2);
        assert!(matches!(
            s.set_second_factor(
                user.id + 10_000,
                None,
                None,
                w.audit(AuditAction::Updated, ObjectType::Gebruiker)
            )
            .await,
            Err(DomainError::NotFound(_))
        ));
    })
    .await;
}

/// A merge moves every row of the merged record to the survivor in one
/// transaction, writes each moved row down, marks the merged record, and
/// can be undone exactly; the figures as known before the merge still see
/// two persons, and the store resolves that in SQL as the domain does in
/// memory.
#[tokio::test]
async fn a_merge_moves_the_rows_and_an_undo_moves_exactly_those_back() {
    use zothuis_domain::clients::merge::MergedTable;
    on_every_backend(true, |w| async move {
        let s = w.store();
        // Two unrestricted clients, each with a stay.
        let headers = s.list_stay_headers(&Clients::All).await.unwrap();
        let mut with_stay = Vec::new();
        for h in &headers {
            let c = s.get_client(h.client_id).await.unwrap().unwrap();
            if !c.restricted && !with_stay.contains(&c.id) {
                with_stay.push(c.id);
            }
            if with_stay.len() == 2 {
                break;
            }
        }
        let (merged, survivor) = (with_stay[0], with_stay[1]);
        let rows_of = |id: i64| async move {
            (
                s.list_applications(&Clients::One(id)).await.unwrap().len(),
                s.list_stay_headers(&Clients::One(id)).await.unwrap().len(),
                s.list_entries(&Clients::One(id)).await.unwrap().len(),
            )
        };
        let (m0, s0) = (rows_of(merged).await, rows_of(survivor).await);
        let stamp = s.figure_stamp().await.unwrap();
        let before = w.now();
        w.clock.advance(Duration::hours(1));
        let audit_before = s.audit_batch(0, 1_000_000).await.unwrap().len();
        let merge = s
            .merge_clients(
                merged,
                survivor,
                "zelfde persoon",
                w.now(),
                "consulent",
                w.audit(AuditAction::Created, ObjectType::Samenvoeging),
            )
            .await
            .unwrap();
        assert!(merge.holds());
        assert_eq!((merge.merged_id, merge.survivor_id), (merged, survivor));
        let moved_stays = merge
            .moved
            .iter()
            .find(|(t, _)| *t == MergedTable::Stays)
            .map(|(_, n)| *n);
        assert_eq!(moved_stays, Some(i64::try_from(m0.1).unwrap()));
        assert_eq!(rows_of(merged).await, (0, 0, 0), "nothing left behind");
        assert_eq!(
            rows_of(survivor).await,
            (s0.0 + m0.0, s0.1 + m0.1, s0.2 + m0.2),
            "nothing lost"
        );
        assert_eq!(
            s.get_client(merged).await.unwrap().unwrap().merged_into,
            Some(survivor)
        );
        // What the search for duplicates compares: every record of the
        // scope but the merged one, with its name and date of birth.
        let scope = Clients::Linked(ClientLink::Region(w.region("GV").await.id));
        let mut names: Vec<i64> = s
            .client_names(&scope)
            .await
            .unwrap()
            .iter()
            .map(|n| n.id)
            .collect();
        names.sort_unstable();
        let mut listed: Vec<i64> = s
            .list_clients(&scope)
            .await
            .unwrap()
            .iter()
            .filter(|c| c.merged_into.is_none())
            .map(|c| c.id)
            .collect();
        listed.sort_unstable();
        listed.dedup();
        assert_eq!(names, listed);
        let kept = s.get_client(survivor).await.unwrap().unwrap();
        let named = s.client_names(&Clients::One(survivor)).await.unwrap();
        assert_eq!(
            (
                named[0].family_name.as_str(),
                named[0].date_of_birth,
                &named[0].bsn
            ),
            (kept.family_name.as_str(), kept.date_of_birth, &kept.bsn)
        );
        assert!(
            s.client_names(&Clients::One(merged))
                .await
                .unwrap()
                .is_empty()
        );
        let audit = s.audit_batch(0, 1_000_000).await.unwrap();
        assert_eq!(audit.len(), audit_before + 1);
        let row = audit.last().unwrap();
        assert_eq!(row.object_id, Some(merge.id.to_string()));
        assert!(row.details.contains("verplaatst"), "{}", row.details);
        assert_ne!(s.figure_stamp().await.unwrap(), stamp);
        assert_eq!(s.get_merge(merge.id).await.unwrap(), Some(merge.clone()));
        assert_eq!(s.client_merges(merged).await.unwrap(), vec![merge.clone()]);
        assert_eq!(
            s.client_merges(survivor).await.unwrap(),
            vec![merge.clone()]
        );
        let moves = s.merge_moves().await.unwrap();
        assert_eq!(
            moves.len(),
            usize::try_from(merge.moved.iter().map(|(_, n)| n).sum::<i64>()).unwrap()
        );

        // Either record merged again, or the survivor into another: refused.
        let third = s
            .list_clients(&Clients::All)
            .await
            .unwrap()
            .into_iter()
            .find(|c| ![merged, survivor].contains(&c.id) && !c.restricted)
            .unwrap()
            .id;
        for (m, into) in [(merged, third), (third, merged), (survivor, third)] {
            let r = s
                .merge_clients(
                    m,
                    into,
                    "x",
                    w.now(),
                    "consulent",
                    w.audit(AuditAction::Created, ObjectType::Samenvoeging),
                )
                .await;
            assert!(
                matches!(r, Err(DomainError::Invalid(_))),
                "{m} → {into}: {r:?}"
            );
        }

        // The figures: as known before the merge, the stays count for two
        // persons; as known now, for one. SQL and memory agree.
        persons_as_known(&w, [merged, survivor], &[(before, 2), (w.now(), 1)]).await;

        // Undone: exactly the moved rows go back, and once only.
        let merged_at = w.now();
        w.clock.advance(Duration::hours(1));
        let undone = s
            .undo_merge(
                merge.id,
                "toch twee personen",
                w.now(),
                "consulent",
                w.audit(AuditAction::Updated, ObjectType::Samenvoeging),
            )
            .await
            .unwrap();
        assert!(!undone.holds());
        assert_eq!(undone.undo_reason.as_deref(), Some("toch twee personen"));
        assert_eq!((rows_of(merged).await, rows_of(survivor).await), (m0, s0));
        assert_eq!(
            s.get_client(merged).await.unwrap().unwrap().merged_into,
            None
        );
        assert!(is_conflict(
            s.undo_merge(
                merge.id,
                "x",
                w.now(),
                "consulent",
                w.audit(AuditAction::Updated, ObjectType::Samenvoeging),
            )
            .await
        ));
        assert!(is_not_found(
            s.undo_merge(
                merge.id + 1000,
                "x",
                w.now(),
                "consulent",
                w.audit(AuditAction::Updated, ObjectType::Samenvoeging),
            )
            .await
        ));
        // While it held, one person; before and after, two.
        persons_as_known(
            &w,
            [merged, survivor],
            &[(before, 2), (merged_at, 1), (w.now(), 2)],
        )
        .await;
    })
    .await;
}

/// How many persons the stays of two records count for, as known at each
/// moment; the store's projection in SQL equal to the domain's in memory.
async fn persons_as_known(w: &World, records: [i64; 2], expected: &[(DateTime<Utc>, usize)]) {
    use std::collections::BTreeSet;
    use zothuis_domain::figures::Facts;
    use zothuis_domain::figures::facts::FactsBuilder;
    let history = w.services.figure_history().await.unwrap();
    for (at, persons) in expected {
        let mut builder = FactsBuilder::new(
            *at,
            &history.municipalities,
            &history.products,
            &history.providers,
            &history.locations,
        );
        w.store().figure_rows(*at, &mut builder).await.unwrap();
        let streamed = builder.finish();
        assert_eq!(streamed, Facts::build(&history, *at), "as known at {at}");
        let counted = streamed
            .stays
            .iter()
            .filter(|s| records.contains(&i64::from(s.client)))
            .map(|s| s.client)
            .collect::<BTreeSet<_>>()
            .len();
        assert_eq!(counted, *persons, "as known at {at}");
    }
}

/// The details of the audit rows about a client can be erased (a retention
/// run's anonymisation) while the whole chain still verifies; nothing else
/// of a row can change, not even by SQL around the store, and a version-1
/// row's details stay.
#[tokio::test]
async fn audit_details_are_erased_and_the_chain_still_verifies() {
    use zothuis_domain::audit::{ERASED_DETAILS, HASH_VERSION};
    on_every_backend(false, |w| async move {
        let s = w.store();
        let (gone, kept) = (900_001_i64, 900_002_i64);
        for (client, name) in [(gone, "Geheim"), (gone, "Geheim twee"), (kept, "Blijft")] {
            let mut draft = w.audit(AuditAction::Viewed, ObjectType::Client);
            draft.client_id = Some(client);
            draft.details = serde_json::json!({ "naam": name });
            let row = s.append_audit(draft).await.unwrap();
            assert_eq!(row.hash_version, HASH_VERSION);
        }
        let mut erasure = w.audit(AuditAction::Deleted, ObjectType::Client);
        erasure.details = serde_json::json!({ "regels": 2 });
        assert_eq!(s.erase_audit_details(&[gone], erasure).await.unwrap(), 2);
        let rows = s.audit_batch(0, 1_000_000).await.unwrap();
        let mut chain = ChainVerifier::default();
        for r in &rows {
            chain.check(r).unwrap();
        }
        let about = |c: i64| -> Vec<&str> {
            rows.iter()
                .filter(|r| r.client_id == Some(c))
                .map(|r| r.details.as_str())
                .collect()
        };
        assert_eq!(about(gone), [ERASED_DETAILS, ERASED_DETAILS]);
        assert_eq!(about(kept), [r#"{"naam":"Blijft"}"#]);
        let last = rows.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.details.as_str()),
            ("verwijderd", r#"{"regels":2}"#),
            "the erasure is recorded, without personal data"
        );
        let again = w.audit(AuditAction::Deleted, ObjectType::Client);
        assert_eq!(s.erase_audit_details(&[gone], again).await.unwrap(), 0);

        // Around the store: only erasing the details of a version-2 row.
        for (sqlite, postgres) in [
            (
                "update audit_log set actor_name = 'iemand' where seq = 1",
                "update audit_log set actor_name = 'iemand' where seq = 1",
            ),
            (
                "update audit_log set details = '{}' where seq = 1",
                "update audit_log set details = '{}' where seq = 1",
            ),
            (
                "update audit_log set details = '{\"gewist\":true}', actor_name = 'x' where seq = 1",
                "update audit_log set details = '{\"gewist\":true}', actor_name = 'x' where seq = 1",
            ),
            (
                "delete from audit_log where seq = 1",
                "delete from audit_log where seq = 1",
            ),
        ] {
            assert!(w.db.raw_sql(sqlite, postgres).await.is_err(), "{sqlite}");
        }
        w.db
            .raw_sql(
                "update audit_log set details = '{\"gewist\":true}' where seq = 1",
                "update audit_log set details = '{\"gewist\":true}' where seq = 1",
            )
            .await
            .unwrap();
        let rows = s.audit_batch(0, 1_000_000).await.unwrap();
        let mut chain = ChainVerifier::default();
        for r in &rows {
            chain.check(r).unwrap();
        }
        // A version-1 row (as written before migration 0035) keeps its
        // details: its hash covers them, so neither the store nor SQL
        // around it erases them.
        let v1 = "insert into audit_log (seq, occurred_at, actor_kind, actor_id, actor_name,
                actor_role, action, object_type, client_id, outcome, request_id, details,
                prev_hash, hash)
             values (1000000, '2020-01-01 00:00:00+00:00', 'systeem', 0, 'oud', 'systeem',
                'bekeken', 'client', 900003, 'geslaagd', 'r', '{\"naam\":\"Oud\"}', 'x', 'y')";
        w.db.raw_sql(v1, &v1.replace("+00:00", "+00")).await.unwrap();
        let erase = "update audit_log set details = '{\"gewist\":true}' where seq = 1000000";
        assert!(w.db.raw_sql(erase, erase).await.is_err(), "a version-1 row");
        let again = w.audit(AuditAction::Deleted, ObjectType::Client);
        assert_eq!(s.erase_audit_details(&[900_003], again).await.unwrap(), 0);
    })
    .await;
}

/// Retention: the facts of every record, open ones marked; anonymising a
/// record (and the record merged into it) removes its personal details,
/// address lines, free text and audit details, keeps the figures exactly
/// as they were at any moment and the audit chain whole, and records the
/// run without personal data.
#[tokio::test]
async fn anonymising_a_record_keeps_the_figures_and_the_chain() {
    use zothuis_domain::audit::ERASED_DETAILS;
    use zothuis_domain::figures::facts::UNKNOWN_DAY;
    use zothuis_domain::privacy::retention::ANONYMISED_NAME;
    on_every_backend(true, |w| async move {
        let s = w.store();
        let facts = s.retention_facts(&Clients::All).await.unwrap();
        assert!(facts.iter().any(|f| f.open), "the demo has care going on");
        assert!(facts.iter().any(|f| f.granted));
        // A record with a stay, and another merged into it.
        let header = s.list_stay_headers(&Clients::All).await.unwrap()[0].clone();
        let id = header.client_id;
        let other = s
            .list_clients(&Clients::All)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id != id && !c.restricted)
            .unwrap()
            .id;
        s.merge_clients(
            other,
            id,
            "zelfde persoon",
            w.now(),
            "x",
            w.audit(AuditAction::Created, ObjectType::Samenvoeging),
        )
        .await
        .unwrap();
        let mut draft = w.audit(AuditAction::Viewed, ObjectType::Client);
        draft.client_id = Some(id);
        draft.details = serde_json::json!({ "zoekterm": "Jansen" });
        s.append_audit(draft).await.unwrap();
        let moment = w.now();
        let before = w.services.build_facts(moment).await.unwrap();
        let earlier = w
            .services
            .build_facts(start() - Duration::days(30))
            .await
            .unwrap();
        w.clock.advance(Duration::hours(1));

        let run = s
            .anonymise_clients(
                &[id],
                None,
                w.now(),
                "fg",
                w.audit(AuditAction::Created, ObjectType::Bewaartermijn),
            )
            .await
            .unwrap();
        assert_eq!(run.clients, 2, "the merged record with it");
        assert!(run.audit_rows >= 2, "{run:?}");
        for c in [id, other] {
            let client = s.get_client(c).await.unwrap().unwrap();
            assert_eq!(
                (client.given_name.as_str(), client.bsn, client.phone),
                (ANONYMISED_NAME, None, None)
            );
            for v in s.client_versions(c).await.unwrap() {
                assert_eq!((v.family_name.as_str(), v.bsn), (ANONYMISED_NAME, None));
            }
            assert!(
                s.list_addresses(c)
                    .await
                    .unwrap()
                    .iter()
                    .all(|a| a.address.is_none())
            );
        }
        let rows = s.audit_batch(0, 1_000_000).await.unwrap();
        let mut chain = ChainVerifier::default();
        for r in &rows {
            chain.check(r).unwrap();
        }
        assert!(
            rows.iter()
                .filter(|r| r.client_id == Some(id))
                .all(|r| r.details == ERASED_DETAILS)
        );
        let last = rows.last().unwrap();
        assert_eq!(last.object_id, Some(run.id.to_string()));
        assert!(!last.details.contains("Jansen"));
        assert!(last.details.contains("geanonimiseerd"), "{}", last.details);
        // The figures as known at any moment are what they were; only
        // the date of birth of the anonymised person is gone from the
        // projection (a forecast spreads such starts over the ages).
        let after = w.services.build_facts(moment).await.unwrap();
        let ours = |f: &zothuis_domain::figures::facts::Facts| {
            f.stays
                .iter()
                .filter(|s| s.id == header.id as u32)
                .map(|s| s.born)
                .collect::<Vec<_>>()
        };
        assert!(ours(&before).iter().all(|b| *b != UNKNOWN_DAY));
        assert!(!ours(&after).is_empty());
        assert!(ours(&after).iter().all(|b| *b == UNKNOWN_DAY));
        let without_births = |mut f: zothuis_domain::figures::facts::Facts| {
            for s in &mut f.stays {
                s.born = UNKNOWN_DAY;
            }
            f
        };
        assert_eq!(without_births(after), without_births(before));
        assert_eq!(
            without_births(
                w.services
                    .build_facts(start() - Duration::days(30))
                    .await
                    .unwrap()
            ),
            without_births(earlier)
        );
        // Gone from retention; the run is kept.
        assert!(
            !s.retention_facts(&Clients::All)
                .await
                .unwrap()
                .iter()
                .any(|f| f.client_id == id || f.client_id == other)
        );
        assert_eq!(s.list_retention_runs(None).await.unwrap(), vec![run]);
        assert!(s.list_retention_runs(Some(9999)).await.unwrap().is_empty());
    })
    .await;
}

/// A user of the identity provider is found by issuer and subject, has no
/// password, is made with its audit row and once only; a sign-in under way
/// is taken once, and old ones are purged.
#[tokio::test]
async fn identity_provider_users_and_sign_ins_under_way() {
    use zothuis_domain::admin::oidc::PendingExternalLogin;
    on_every_backend(false, |w| async move {
        let s = w.store();
        let issuer = "https://login.example/realm";
        assert_eq!(s.find_external_user(issuer, "abc-123").await.unwrap(), None);
        let data = UserData {
            username: "iris.bakker".into(),
            display_name: "Iris Bakker".into(),
            role: Role::WmoConsulent,
            scope: Scope::Gemeente(gm("GM0406")),
            active: true,
        };
        let before = s.audit_batch(0, 1_000_000).await.unwrap().len();
        let made = s
            .create_external_user(
                &data,
                issuer,
                "abc-123",
                start(),
                w.audit(AuditAction::Created, ObjectType::Gebruiker),
            )
            .await
            .unwrap();
        assert!(made.external && !made.second_factor);
        assert_eq!(
            (made.username.as_str(), made.role),
            ("iris.bakker", Role::WmoConsulent)
        );
        let audit = s.audit_batch(0, 1_000_000).await.unwrap();
        assert_eq!(audit.len(), before + 1);
        assert_eq!(
            audit.last().unwrap().object_id.as_deref(),
            Some(made.id.to_string().as_str())
        );
        assert_eq!(
            s.find_external_user(issuer, "abc-123").await.unwrap(),
            Some(made.clone())
        );
        s.create_session(
            "sessie-van-iris",
            made.id,
            "csrf",
            start(),
            w.audit(AuditAction::LoggedIn, ObjectType::Sessie),
        )
        .await
        .unwrap();
        let (_, in_session) = s.find_session("sessie-van-iris").await.unwrap().unwrap();
        assert_eq!(
            in_session, made,
            "the session's user says it is external too"
        );
        assert_eq!(
            s.find_external_user("https://other.example", "abc-123")
                .await
                .unwrap(),
            None,
            "a subject is unique per issuer only"
        );
        let creds = s.find_credentials("iris.bakker").await.unwrap().unwrap();
        assert!(
            !zothuis_domain::admin::secrets::verify_password("", &creds.password_hash)
                && !zothuis_domain::admin::secrets::verify_password("!", &creds.password_hash),
            "no password"
        );
        let again = s
            .create_external_user(
                &UserData {
                    username: "iris2".into(),
                    ..data.clone()
                },
                issuer,
                "abc-123",
                start(),
                w.audit(AuditAction::Created, ObjectType::Gebruiker),
            )
            .await;
        assert!(again.is_err(), "one user per subject");
        assert_eq!(s.audit_batch(0, 1_000_000).await.unwrap().len(), before + 2);

        let pending = |state: &str, at: DateTime<Utc>| PendingExternalLogin {
            state_digest: state.into(),
            browser_digest: "browser".into(),
            nonce: "nonce".into(),
            pkce_verifier: "verifier".into(),
            back: "/clienten".into(),
            created_at: at,
        };
        s.save_external_login(&pending("old", start()))
            .await
            .unwrap();
        s.save_external_login(&pending("new", start() + Duration::minutes(20)))
            .await
            .unwrap();
        assert_eq!(
            s.take_external_login("new").await.unwrap(),
            Some(pending("new", start() + Duration::minutes(20)))
        );
        assert_eq!(s.take_external_login("new").await.unwrap(), None, "once");
        assert_eq!(
            s.purge_external_logins(start() + Duration::minutes(10))
                .await
                .unwrap(),
            1
        );
        assert_eq!(s.take_external_login("old").await.unwrap(), None);
    })
    .await;
}

/// The iWmo exchange: numbers handed out once, an assignment with its 301,
/// a received message with its retour applied whole (its effects and the
/// log in one transaction, none of it when an effect fails), the log per
/// provider and client, a first fetch, and the provider's link to the
/// client through its assignment.
#[tokio::test]
async fn iwmo_assignments_messages_and_deliveries() {
    use zothuis_domain::exchange::iwmo::model::{
        Delivery, Effect, MessageStatus, NewAssignment, NewMessage,
    };
    use zothuis_domain::exchange::iwmo::schema::Message;
    on_every_backend(true, |w| async move {
        let s = w.store();
        assert_eq!(s.next_iwmo_number("toewijzing").await.unwrap(), 1);
        assert_eq!(s.next_iwmo_number("toewijzing").await.unwrap(), 2);
        assert_eq!(s.next_iwmo_number("301").await.unwrap(), 1, "per counter");
        let decision = s
            .list_decisions(&Clients::All)
            .await
            .unwrap()
            .into_iter()
            .find(|d| d.outcome == zothuis_domain::access::Outcome::Toegekend)
            .unwrap();
        let provider = s.list_providers().await.unwrap().pop().unwrap();
        let linked = |rows: Vec<zothuis_domain::store::ClientAccessRow>| {
            rows.first()
                .is_some_and(|r| r.providers.contains(&provider.id))
        };
        let message = |incoming: bool, m: Message, id: &str, status: MessageStatus| NewMessage {
            incoming,
            message: m,
            provider_id: provider.id,
            client_id: Some(decision.client_id),
            identification: id.into(),
            status,
            codes: vec!["0200".into()],
            body: "<Bericht/>".into(),
        };
        let (a, sent) = s
            .create_assignment(
                &NewAssignment {
                    id: 1001,
                    decision_id: decision.id,
                    client_id: decision.client_id,
                    provider_id: provider.id,
                    location_id: None,
                    product_id: decision.product_id,
                    municipality: decision.responsible.clone(),
                    start_date: day("2026-01-02"),
                    end_date: None,
                    stay_id: None,
                    reference: None,
                },
                &message(false, Message::Wmo301, "1", MessageStatus::Klaargezet),
                start(),
                "consulent",
                w.audit(AuditAction::Created, ObjectType::Toewijzing),
            )
            .await
            .unwrap();
        assert_eq!(a.id, 1001);
        assert_eq!(s.get_assignment(1001).await.unwrap(), Some(a.clone()));
        assert_eq!(
            s.list_assignments(&Clients::One(decision.client_id))
                .await
                .unwrap(),
            vec![a.clone()]
        );
        assert_eq!(sent.codes, vec!["0200".to_string()]);
        // A change keeps the number and logs its own 301.
        let (changed, change_sent) = s
            .change_assignment(
                1001,
                day("2026-06-30"),
                "05",
                &message(false, Message::Wmo301, "2", MessageStatus::Klaargezet),
                start() + Duration::minutes(5),
                "consulent",
                w.audit(AuditAction::Updated, ObjectType::Toewijzing),
            )
            .await
            .unwrap();
        assert_eq!(
            (
                changed.id,
                changed.end_date,
                changed.change_reason.as_deref()
            ),
            (1001, Some(day("2026-06-30")), Some("05"))
        );
        assert_eq!(changed.changed_at, Some(start() + Duration::minutes(5)));
        assert_eq!(changed.recorded_at, a.recorded_at, "assigned when it was");
        assert_ne!(change_sent.id, sent.id);
        assert!(is_not_found(
            s.change_assignment(
                4242,
                day("2026-06-30"),
                "05",
                &message(false, Message::Wmo301, "3", MessageStatus::Klaargezet),
                start(),
                "consulent",
                w.audit(AuditAction::Updated, ObjectType::Toewijzing),
            )
            .await
        ));
        assert!(
            linked(
                s.client_access(&Clients::One(decision.client_id))
                    .await
                    .unwrap()
            ),
            "the assignment links the provider to the client"
        );
        let in_scope = s
            .list_clients(&Clients::Linked(
                zothuis_domain::store::ClientLink::Provider(provider.id),
            ))
            .await
            .unwrap();
        assert!(in_scope.iter().any(|c| c.id == decision.client_id));

        // A start that begins a stay, applied with its log.
        assert!(
            s.find_iwmo_message(provider.id, true, Message::Wmo305, "KW-1")
                .await
                .unwrap()
                .is_none()
        );
        let stay = NewStay {
            client_id: decision.client_id,
            entry_id: None,
            decision_id: Some(decision.id),
            transferred_from: None,
            responsible: decision.responsible.clone(),
            facts: StayFacts {
                product_id: decision.product_id,
                provider_id: provider.id,
                location_id: None,
                start_date: day("2026-01-05"),
                end_date: None,
                exit: None,
                financing: Financing::Zin,
                care_level: None,
            },
        };
        let (received, retour) = s
            .receive_iwmo(
                &message(true, Message::Wmo305, "KW-1", MessageStatus::Verwerkt),
                Some(&message(
                    false,
                    Message::Wmo306,
                    "1",
                    MessageStatus::Klaargezet,
                )),
                &[
                    Effect::StartStay {
                        assignment_id: 1001,
                        stay: stay.clone(),
                    },
                    Effect::Start {
                        assignment_id: 1001,
                        start_date: day("2026-01-05"),
                    },
                ],
                start(),
                "aanbieder",
                w.audit(AuditAction::Created, ObjectType::IwmoBericht),
            )
            .await
            .unwrap();
        assert_eq!(retour.unwrap().answers, Some(received.id));
        assert_eq!(
            s.find_iwmo_message(provider.id, true, Message::Wmo305, "KW-1")
                .await
                .unwrap()
                .map(|m| m.id),
            Some(received.id)
        );
        assert!(
            s.find_iwmo_message(provider.id, true, Message::Wmo307, "KW-1")
                .await
                .unwrap()
                .is_none(),
            "per type"
        );
        assert!(
            s.find_iwmo_message(provider.id, false, Message::Wmo305, "KW-1")
                .await
                .unwrap()
                .is_none(),
            "per direction"
        );
        let a = s.get_assignment(1001).await.unwrap().unwrap();
        let stay_id = a.stay_id.expect("the stay is the assignment's");
        let header = s.get_stay_header(stay_id).await.unwrap().unwrap();
        assert_eq!(header.decision_id, Some(decision.id));
        assert_eq!(
            s.list_deliveries(1001).await.unwrap(),
            vec![Delivery {
                assignment_id: 1001,
                start_date: day("2026-01-05"),
                end_date: None,
                end_reason: None,
            }]
        );

        // An effect that fails (a stale stay version) leaves nothing behind.
        let count = s
            .list_iwmo_messages(None, &Clients::All)
            .await
            .unwrap()
            .len();
        let failed = s
            .receive_iwmo(
                &message(true, Message::Wmo307, "KW-2", MessageStatus::Verwerkt),
                Some(&message(
                    false,
                    Message::Wmo308,
                    "1",
                    MessageStatus::Klaargezet,
                )),
                &[
                    Effect::Stop {
                        assignment_id: 1001,
                        start_date: day("2026-01-05"),
                        end_date: day("2026-01-09"),
                        reason: "19".into(),
                    },
                    Effect::StayVersion {
                        stay_id,
                        expected_version: -1,
                        facts: stay.facts.clone(),
                        placement: None,
                    },
                ],
                start(),
                "aanbieder",
                w.audit(AuditAction::Created, ObjectType::IwmoBericht),
            )
            .await;
        assert!(is_stale(failed));
        assert_eq!(
            s.list_iwmo_messages(None, &Clients::All)
                .await
                .unwrap()
                .len(),
            count
        );
        assert_eq!(s.list_deliveries(1001).await.unwrap()[0].end_date, None);
        // The stop, its withdrawal, and the start's.
        for effects in [
            vec![Effect::Stop {
                assignment_id: 1001,
                start_date: day("2026-01-05"),
                end_date: day("2026-01-09"),
                reason: "19".into(),
            }],
            vec![Effect::DeleteStop {
                assignment_id: 1001,
                start_date: day("2026-01-05"),
            }],
        ] {
            let stopped = matches!(effects[0], Effect::Stop { .. });
            s.receive_iwmo(
                &message(
                    true,
                    Message::Wmo307,
                    if stopped { "KW-3" } else { "KW-4" },
                    MessageStatus::Verwerkt,
                ),
                Some(&message(
                    false,
                    Message::Wmo308,
                    "2",
                    MessageStatus::Klaargezet,
                )),
                &effects,
                start(),
                "aanbieder",
                w.audit(AuditAction::Created, ObjectType::IwmoBericht),
            )
            .await
            .unwrap();
            let d = &s.list_deliveries(1001).await.unwrap()[0];
            assert_eq!(d.end_date.is_some(), stopped);
            assert_eq!(d.end_reason.as_deref(), stopped.then_some("19"));
        }
        s.receive_iwmo(
            &message(true, Message::Wmo305, "KW-5", MessageStatus::Verwerkt),
            Some(&message(
                false,
                Message::Wmo306,
                "3",
                MessageStatus::Klaargezet,
            )),
            &[Effect::DeleteStart {
                assignment_id: 1001,
                start_date: day("2026-01-05"),
            }],
            start(),
            "aanbieder",
            w.audit(AuditAction::Created, ObjectType::IwmoBericht),
        )
        .await
        .unwrap();
        assert_eq!(s.list_deliveries(1001).await.unwrap(), vec![]);

        // The log: newest first, per provider and client; a first fetch.
        let log = s
            .list_iwmo_messages(Some(provider.id), &Clients::One(decision.client_id))
            .await
            .unwrap();
        assert_eq!(log.len(), 10);
        assert!(log.windows(2).all(|p| p[0].id > p[1].id));
        assert!(
            log.iter().all(|m| m.body.is_empty()),
            "a list holds log lines, not the text"
        );
        assert_eq!(
            s.get_iwmo_message(log[0].id).await.unwrap().unwrap().body,
            "<Bericht/>"
        );
        assert_eq!(
            s.list_iwmo_messages(Some(provider.id + 1000), &Clients::All)
                .await
                .unwrap(),
            vec![]
        );
        assert_eq!(
            s.get_iwmo_message(sent.id).await.unwrap(),
            Some(sent.clone())
        );
        let fetched = s
            .fetch_iwmo_message(
                sent.id,
                start() + Duration::hours(1),
                w.audit(AuditAction::Viewed, ObjectType::IwmoBericht),
            )
            .await
            .unwrap();
        assert_eq!(fetched.status, MessageStatus::Opgehaald);
        assert_eq!(fetched.fetched_at, Some(start() + Duration::hours(1)));
        let again = s
            .fetch_iwmo_message(
                sent.id,
                start() + Duration::hours(2),
                w.audit(AuditAction::Viewed, ObjectType::IwmoBericht),
            )
            .await
            .unwrap();
        assert_eq!(
            again.fetched_at, fetched.fetched_at,
            "the first fetch counts"
        );
        assert!(is_not_found(
            s.fetch_iwmo_message(
                -5,
                start(),
                w.audit(AuditAction::Viewed, ObjectType::IwmoBericht)
            )
            .await
        ));

        // A merge moves the assignment and the messages to the survivor; an
        // anonymisation empties the messages' text, their log lines stay.
        let survivor = s
            .list_clients(&Clients::All)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id != decision.client_id && c.merged_into.is_none())
            .unwrap()
            .id;
        s.merge_clients(
            decision.client_id,
            survivor,
            "zelfde persoon",
            start(),
            "consulent",
            w.audit(AuditAction::Created, ObjectType::Samenvoeging),
        )
        .await
        .unwrap();
        assert_eq!(
            s.list_assignments(&Clients::One(survivor))
                .await
                .unwrap()
                .len(),
            1
        );
        let moved = s
            .list_iwmo_messages(None, &Clients::One(survivor))
            .await
            .unwrap();
        assert_eq!(moved.len(), 10);
        s.anonymise_clients(
            &[survivor],
            None,
            start(),
            "fg",
            w.audit(AuditAction::Created, ObjectType::Bewaartermijn),
        )
        .await
        .unwrap();
        let kept = s
            .list_iwmo_messages(None, &Clients::One(survivor))
            .await
            .unwrap();
        assert_eq!(kept.len(), 10, "the log lines stay");
        for m in &kept {
            let text = s.get_iwmo_message(m.id).await.unwrap().unwrap().body;
            assert!(text.is_empty(), "the text is gone");
        }
    })
    .await;
}

/// A provider's requests: stored with the message that carried them,
/// listed by provider, municipality, client and status, and answered once
/// in one transaction with the assignments made and changed; a provider's
/// retour on a 301 sets that 301's status and codes.
#[tokio::test]
async fn iwmo_requests_are_stored_listed_and_answered_once() {
    use zothuis_domain::exchange::iwmo::model::{
        Effect, MessageStatus, NewAssignment, NewMessage, NewRequest, RequestAnswer, RequestFilter,
        RequestStatus,
    };
    use zothuis_domain::exchange::iwmo::schema::Message;
    use zothuis_domain::exchange::iwmo::verzoek::Requested;
    on_every_backend(true, |w| async move {
        let s = w.store();
        let decision = s
            .list_decisions(&Clients::All)
            .await
            .unwrap()
            .into_iter()
            .find(|d| d.outcome == zothuis_domain::access::Outcome::Toegekend)
            .unwrap();
        let provider = s.list_providers().await.unwrap().pop().unwrap();
        let message = |incoming: bool, m: Message, id: &str| NewMessage {
            incoming,
            message: m,
            provider_id: provider.id,
            client_id: Some(decision.client_id),
            identification: id.into(),
            status: if incoming {
                MessageStatus::Verwerkt
            } else {
                MessageStatus::Klaargezet
            },
            codes: vec!["0200".into()],
            body: "<Bericht/>".into(),
        };
        let (_, sent) = s
            .create_assignment(
                &NewAssignment {
                    id: 7,
                    decision_id: decision.id,
                    client_id: decision.client_id,
                    provider_id: provider.id,
                    location_id: None,
                    product_id: decision.product_id,
                    municipality: decision.responsible.clone(),
                    start_date: day("2026-01-02"),
                    end_date: Some(day("2026-06-30")),
                    stay_id: None,
                    reference: None,
                },
                &message(false, Message::Wmo301, "1"),
                start(),
                "consulent",
                w.audit(AuditAction::Created, ObjectType::Toewijzing),
            )
            .await
            .unwrap();
        let wish = Requested {
            soort: "wijzigen".into(),
            toewijzing: Some(7),
            categorie: None,
            code: None,
            ingangsdatum: Some(day("2026-01-02")),
            einddatum: Some(day("2026-12-31")),
            beschikking: None,
            verwijzer: None,
        };
        let (received, retour) = s
            .receive_iwmo(
                &message(true, Message::Wmo317, "VOW-1"),
                Some(&message(false, Message::Wmo318, "1")),
                &[Effect::Request(NewRequest {
                    message: Message::Wmo317,
                    provider_id: provider.id,
                    client_id: Some(decision.client_id),
                    municipality: decision.responsible.clone(),
                    reference: "REF-1".into(),
                    reason: Some("1".into()),
                    products: vec![wish.clone()],
                })],
                start(),
                "aanbieder",
                w.audit(AuditAction::Created, ObjectType::IwmoBericht),
            )
            .await
            .unwrap();
        assert!(retour.is_some());
        let all = s
            .list_iwmo_requests(&RequestFilter::default())
            .await
            .unwrap();
        assert_eq!(all.len(), 1);
        let request = all[0].clone();
        assert_eq!(request.message_id, received.id);
        assert_eq!(request.status, RequestStatus::Open);
        assert_eq!(request.products, vec![wish]);
        assert_eq!(request.reason.as_deref(), Some("1"));
        assert_eq!(
            s.get_iwmo_request(request.id).await.unwrap(),
            Some(request.clone())
        );
        for (filter, expected) in [
            (
                RequestFilter {
                    provider_id: Some(provider.id),
                    pending_only: true,
                    ..RequestFilter::default()
                },
                1,
            ),
            (
                RequestFilter {
                    provider_id: Some(provider.id + 1000),
                    ..RequestFilter::default()
                },
                0,
            ),
            (
                RequestFilter {
                    municipalities: Some(vec![decision.responsible.clone()]),
                    client_id: Some(decision.client_id),
                    ..RequestFilter::default()
                },
                1,
            ),
            (
                RequestFilter {
                    municipalities: Some(Vec::new()),
                    ..RequestFilter::default()
                },
                0,
            ),
        ] {
            assert_eq!(
                s.list_iwmo_requests(&filter).await.unwrap().len(),
                expected,
                "{filter:?}"
            );
        }
        let answer = RequestAnswer {
            request_id: request.id,
            status: RequestStatus::Toegewezen,
            rejection: None,
            new: Vec::new(),
            changes: vec![zothuis_domain::exchange::iwmo::model::ChangedAssignment {
                id: 7,
                end: day("2026-12-31"),
                reason: zothuis_domain::exchange::iwmo::model::PROVIDER_INITIATED,
            }],
            message: message(false, Message::Wmo301, "2"),
        };
        let (answered, logged) = s
            .answer_iwmo_request(
                &answer,
                start(),
                "consulent",
                w.audit(AuditAction::Updated, ObjectType::IwmoVerzoek),
            )
            .await
            .unwrap();
        assert_eq!(answered.status, RequestStatus::Toegewezen);
        assert_eq!(answered.answer_message_id, Some(logged.id));
        assert_eq!(answered.answered_by.as_deref(), Some("consulent"));
        let changed = s.get_assignment(7).await.unwrap().unwrap();
        assert_eq!(changed.end_date, Some(day("2026-12-31")));
        assert_eq!(changed.change_reason.as_deref(), Some("12"));
        assert_eq!(changed.reference.as_deref(), Some("REF-1"));
        assert!(
            matches!(
                s.answer_iwmo_request(
                    &answer,
                    start(),
                    "consulent",
                    w.audit(AuditAction::Updated, ObjectType::IwmoVerzoek),
                )
                .await,
                Err(DomainError::Conflict(_))
            ),
            "a request is answered once"
        );
        assert!(
            s.list_iwmo_requests(&RequestFilter {
                pending_only: true,
                ..RequestFilter::default()
            })
            .await
            .unwrap()
            .is_empty()
        );

        // The provider's retour on the first 301 sets its status and codes.
        let (_, none) = s
            .receive_iwmo(
                &message(true, Message::Wmo302, "R-1"),
                None,
                &[Effect::Answered {
                    message_id: sent.id,
                    status: MessageStatus::Afgekeurd,
                    codes: vec!["0200".into(), "9332".into()],
                }],
                start(),
                "aanbieder",
                w.audit(AuditAction::Created, ObjectType::IwmoBericht),
            )
            .await
            .unwrap();
        assert!(none.is_none(), "a retour is not answered");
        let first = s.get_iwmo_message(sent.id).await.unwrap().unwrap();
        assert_eq!(first.status, MessageStatus::Afgekeurd);
        assert_eq!(first.codes, vec!["0200".to_string(), "9332".to_string()]);
    })
    .await;
}

/// A population forecast is stored with its rows whole, listed per region
/// with its extent, and read back exactly.
#[tokio::test]
async fn population_forecasts_are_stored_and_read_back_whole() {
    use zothuis_domain::forecast::population::{NewPopulation, parse};
    on_every_backend(true, |w| async move {
        let s = w.store();
        let region = s.list_regions().await.unwrap()[0].id;
        let data = parse(
            "gemeentecode,jaar,leeftijdsklasse,inwoners\n\
             GM0402,2025,18-26,9000\n\
             GM0402,2025,65+,18000\n\
             GM0406,2040,18-26,4000\n",
        )
        .unwrap();
        let created = s
            .create_population(
                &NewPopulation {
                    region_id: region,
                    name: "Prognose 2025".into(),
                    source: "verzonnen".into(),
                },
                &data,
                start(),
                "beleid",
                w.audit(AuditAction::Created, ObjectType::Bevolkingsprognose),
            )
            .await
            .unwrap();
        assert_eq!(created.years, (2025, 2040));
        assert_eq!((created.municipalities, created.rows), (2, 3));
        assert_eq!(created.uploaded_by, "beleid");
        assert_eq!(
            s.list_populations(Some(region)).await.unwrap(),
            vec![created.clone()]
        );
        assert!(s.list_populations(Some(-1)).await.unwrap().is_empty());
        assert_eq!(s.list_populations(None).await.unwrap().len(), 1);
        let (head, rows) = s.get_population(created.id).await.unwrap().unwrap();
        assert_eq!(head, created);
        assert_eq!(rows, data, "every row back, the open band too");
        assert!(s.get_population(-1).await.unwrap().is_none());
    })
    .await;
}

/// A scenario is stored with its assumptions, changed only at the version
/// read and while not published, and published once with its result.
#[tokio::test]
async fn forecast_scenarios_are_changed_at_their_version_and_published_once() {
    use zothuis_domain::DomainError;
    use zothuis_domain::forecast::population::{NewPopulation, parse};
    use zothuis_domain::forecast::run::{Assumptions, Shift};
    use zothuis_domain::forecast::scenario::ScenarioDraft;
    on_every_backend(true, |w| async move {
        let s = w.store();
        let region = s.list_regions().await.unwrap()[0].id;
        let population = s
            .create_population(
                &NewPopulation {
                    region_id: region,
                    name: "P".into(),
                    source: "verzonnen".into(),
                },
                &parse("gemeentecode,jaar,leeftijdsklasse,inwoners\nGM0402,2025,18+,9000\n")
                    .unwrap(),
                start(),
                "beleid",
                w.audit(AuditAction::Created, ObjectType::Bevolkingsprognose),
            )
            .await
            .unwrap();
        let mut draft = ScenarioDraft {
            region_id: region,
            name: "Trend".into(),
            description: "zoals het gaat".into(),
            population_id: population.id,
            assumptions: Assumptions {
                base_year: 2025,
                window_years: 3,
                last_year: 2040,
                backtest_years: 1,
                min_spells: 20,
                shifts: vec![Shift {
                    from: "BW-INT".into(),
                    to: "BT".into(),
                    percent_per_year: 2.5,
                }],
                outflow: Vec::new(),
                places: Vec::new(),
                stay_months: Vec::new(),
            },
            copied_from: None,
        };
        let audit = || w.audit(AuditAction::Created, ObjectType::Prognosescenario);
        let made = s
            .create_scenario(&draft, start(), "beleid", audit())
            .await
            .unwrap();
        assert_eq!((made.version, made.name.as_str()), (1, "Trend"));
        assert_eq!(made.assumptions, draft.assumptions, "the levers back whole");
        assert_eq!(
            (made.created_by.as_str(), made.published_at),
            ("beleid", None)
        );
        draft.name = "Trend 2".into();
        let changed = s
            .update_scenario(made.id, 1, &draft, start(), "ander", audit())
            .await
            .unwrap();
        assert_eq!((changed.version, changed.updated_by.as_str()), (2, "ander"));
        assert!(matches!(
            s.update_scenario(made.id, 1, &draft, start(), "x", audit())
                .await,
            Err(DomainError::StaleVersion(_))
        ));
        assert!(matches!(
            s.update_scenario(-1, 1, &draft, start(), "x", audit())
                .await,
            Err(DomainError::NotFound(_))
        ));
        let published = s
            .publish_scenario(made.id, 2, "{\"cellen\":[]}", start(), "beleid", audit())
            .await
            .unwrap();
        assert_eq!(published.published_by.as_deref(), Some("beleid"));
        assert!(matches!(
            s.publish_scenario(made.id, 3, "{}", start(), "x", audit())
                .await,
            Err(DomainError::Conflict(_))
        ));
        assert!(matches!(
            s.update_scenario(made.id, 3, &draft, start(), "x", audit())
                .await,
            Err(DomainError::Conflict(_))
        ));
        let (back, result) = s.get_scenario(made.id).await.unwrap().unwrap();
        assert_eq!(back, published);
        assert_eq!(result.as_deref(), Some("{\"cellen\":[]}"));
        assert_eq!(
            s.list_scenarios(Some(region)).await.unwrap(),
            vec![published]
        );
        assert!(s.list_scenarios(Some(-1)).await.unwrap().is_empty());
        assert!(s.get_scenario(-1).await.unwrap().is_none());
    })
    .await;
}
