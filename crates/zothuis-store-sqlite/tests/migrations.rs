//! Data migrations keep what users typed: the migrations before one are run
//! on an empty database, rows are written as that schema had them, then the
//! migration runs and what it made of them is checked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use sqlx::SqlitePool;
use sqlx::sqlite::SqlitePoolOptions;

/// A database with the migrations whose file names sort before `upto`.
async fn migrated_before(upto: &str) -> SqlitePool {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().as_ref() < upto)
        .collect();
    files.sort();
    for file in files {
        run(&pool, &file).await;
    }
    pool
}

async fn run(pool: &SqlitePool, file: &std::path::Path) {
    let sql = std::fs::read_to_string(file).unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
}

async fn exec(pool: &SqlitePool, sql: &'static str) {
    sqlx::raw_sql(sql).execute(pool).await.unwrap();
}

/// 0031: the typed corporation of an HOV trajectory becomes the region's
/// corporation of that name, in any case; a name the region lacks becomes
/// one new corporation (its variants in case too); another region's
/// corporation of the same name is not taken.
#[tokio::test]
async fn hov_corporation_names_become_the_regions_corporations() {
    let pool = migrated_before("0031").await;
    exec(
        &pool,
        "insert into regions (id, code, name, centrumgemeente) values
            (1, 'GV', 'Gooi en Vechtstreek', 'GM0402'), (2, 'ZKIH', 'Zuid-Kennemerland', 'GM0392');
         insert into corporations (id, region_id, name) values (1, 1, 'Dudok Wonen');
         insert into hov_trajectories (id, region_id, created_at) values
            (1, 1, '2025-01-01 10:00:00'), (2, 1, '2025-01-01 10:00:00'),
            (3, 2, '2025-01-01 10:00:00');
         insert into hov_trajectory_versions (id, trajectory_id, municipality_code, tenant,
            corporation, reason, started_on, recorded_at, recorded_by) values
            (1, 1, 'GM0406', 'J.K.', 'dudok wonen', 'overlast', '2025-01-01', '2025-01-01 10:00:00', 'x'),
            (2, 2, 'GM0406', 'A.B.', 'Nieuw Wonen', 'overlast', '2025-01-01', '2025-01-01 10:00:00', 'x'),
            (3, 2, 'GM0406', 'A.B.', 'NIEUW WONEN', 'overlast', '2025-01-01', '2025-02-01 10:00:00', 'x'),
            (4, 3, 'GM0392', 'C.D.', 'Dudok Wonen', 'overlast', '2025-01-01', '2025-01-01 10:00:00', 'x');",
    )
    .await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    run(&pool, &dir.join("0031_hov_corporation.sql")).await;
    let corporations: Vec<(i64, i64, String)> =
        sqlx::query_as("select id, region_id, lower(name) from corporations order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(corporations.len(), 3, "{corporations:?}");
    assert_eq!(corporations[0], (1, 1, "dudok wonen".to_string()));
    let new_in = |region: i64, name: &str| {
        corporations
            .iter()
            .find(|c| c.1 == region && c.2 == name)
            .unwrap_or_else(|| panic!("{name} in {region}: {corporations:?}"))
            .0
    };
    let nieuw = new_in(1, "nieuw wonen");
    let dudok_zkih = new_in(2, "dudok wonen");
    let linked: Vec<(i64, Option<i64>)> =
        sqlx::query_as("select id, corporation_id from hov_trajectory_versions order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        linked,
        [
            (1, Some(1)),
            (2, Some(nieuw)),
            (3, Some(nieuw)),
            (4, Some(dudok_zkih))
        ]
    );
}
