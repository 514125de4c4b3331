//! Names and choices the forms share: the municipalities of the user's
//! region, and lists of named things (providers, corporations) offered in
//! a select. A value sent that is not among the choices stays selectable,
//! so that a refused form shows what was sent, with the error beside it.

use super::{AppState, PageResult, PageUser};
use std::collections::HashMap;
use zothuis_domain::reference::GemeenteCode;

/// A value typed that is not among the options stays selectable, labelled
/// "`what` `value`".
pub(crate) fn keep_typed(options: &mut Vec<(String, String)>, current: &str, what: &str) {
    let current = current.trim();
    if !current.is_empty() && !options.iter().any(|(v, _)| v == current) {
        options.push((current.to_string(), format!("{what} {current}")));
    }
}

/// Things with an id and a name, sorted by name.
pub(crate) struct Named {
    items: Vec<(i64, String)>,
}

impl Named {
    pub(crate) fn new(items: impl IntoIterator<Item = (i64, String)>) -> Named {
        let mut items: Vec<(i64, String)> = items.into_iter().collect();
        items.sort_by(|a, b| a.1.cmp(&b.1));
        Named { items }
    }

    /// The providers, for any user who may see the reference data.
    pub(crate) async fn providers(s: &AppState, u: &PageUser) -> PageResult<Named> {
        let all = s.services.list_providers(&u.ctx).await?;
        Ok(Named::new(all.into_iter().map(|p| (p.id, p.name))))
    }

    /// The corporations of a region (all, without one).
    pub(crate) async fn corporations(
        s: &AppState,
        u: &PageUser,
        region: Option<i64>,
    ) -> PageResult<Named> {
        let all = s.services.list_corporations(&u.ctx, region).await?;
        Ok(Named::new(all.into_iter().map(|c| (c.id, c.name))))
    }

    /// The name of `id`, or "`what` `id`" for one not in the list.
    pub(crate) fn name(&self, id: i64, what: &str) -> String {
        self.items
            .iter()
            .find(|(i, _)| *i == id)
            .map_or_else(|| format!("{what} {id}"), |(_, n)| n.clone())
    }

    /// The options of a select: `empty` first, then every item.
    pub(crate) fn options(&self, empty: &str, current: &str, what: &str) -> Vec<(String, String)> {
        let mut o = vec![(String::new(), empty.to_string())];
        o.extend(self.items.iter().map(|(id, n)| (id.to_string(), n.clone())));
        keep_typed(&mut o, current, what);
        o
    }
}

/// The municipalities' names, and those of the user's region to choose
/// from (all of them for a user without a region, such as a provider).
pub(crate) struct Municipalities {
    names: HashMap<String, String>,
    own: Vec<(String, String)>,
}

impl Municipalities {
    pub(crate) async fn load(s: &AppState, u: &PageUser) -> PageResult<Municipalities> {
        let region = s.services.own_region(&u.ctx).await?;
        let all = s.services.list_municipalities(&u.ctx).await?;
        let mut own: Vec<(String, String)> = all
            .iter()
            .filter(|m| region.is_none_or(|r| m.region_id == r))
            .map(|m| (m.code.to_string(), m.name.clone()))
            .collect();
        own.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(Municipalities {
            names: all
                .into_iter()
                .map(|m| (m.code.to_string(), m.name))
                .collect(),
            own,
        })
    }

    pub(crate) fn name(&self, code: &GemeenteCode) -> String {
        self.names
            .get(code.as_str())
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The region's municipalities; one already chosen that is not among
    /// them stays selectable, by its name.
    pub(crate) fn options(&self, empty: &str, current: &str) -> Vec<(String, String)> {
        let mut o = vec![(String::new(), empty.to_string())];
        o.extend(self.own.iter().cloned());
        let current = current.trim();
        if !current.is_empty() && !o.iter().any(|(v, _)| v == current) {
            let name = self
                .names
                .get(current)
                .cloned()
                .unwrap_or_else(|| current.to_string());
            o.push((current.to_string(), name));
        }
        o
    }
}
