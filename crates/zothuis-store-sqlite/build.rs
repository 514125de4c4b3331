// `sqlx::migrate!` embeds the migrations at compile time; without this a new
// migration file alone would not rebuild the store and would silently be
// left out of the binary.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
