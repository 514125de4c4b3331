//! Pagination of lists.

/// Page size when the caller gives none, and the largest allowed.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based.
    pub number: u32,
    pub size: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            number: 1,
            size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl PageRequest {
    /// Clamps what a client asked for to sensible bounds.
    pub fn new(number: Option<u32>, size: Option<u32>) -> PageRequest {
        PageRequest {
            number: number.unwrap_or(1).max(1),
            size: size.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE),
        }
    }

    /// The whole list on one page, for use cases that show all of it (a
    /// review agenda, a match proposal).
    pub fn everything() -> PageRequest {
        PageRequest {
            number: 1,
            size: u32::MAX,
        }
    }

    pub fn offset(self) -> i64 {
        i64::from(self.number - 1) * i64::from(self.size)
    }

    pub fn limit(self) -> i64 {
        i64::from(self.size)
    }

    /// One page of a list already in memory.
    pub fn slice<T: Clone>(self, all: &[T]) -> Page<T> {
        let start = usize::try_from(self.offset()).unwrap_or(usize::MAX);
        let items = all
            .iter()
            .skip(start)
            .take(self.size as usize)
            .cloned()
            .collect();
        Page {
            items,
            total: all.len() as i64,
            request: self,
            restricted: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub request: PageRequest,
    /// In a list of records about clients: how many records of restricted
    /// clients in the actor's scope it may not see; `None` for other lists.
    /// Records of restricted clients (vrouwenopvang) the actor may not see
    /// are left out but counted: occupancy and the figures count every
    /// client (a taken place is taken, whoever holds it), so a list shown
    /// next to such a count must say how many of its records are hidden, or
    /// the difference would point at them. The count says no more than the
    /// figures already do; who they are is never shown.
    pub restricted: Option<i64>,
}

impl<T> Page<T> {
    pub fn has_next(&self) -> bool {
        self.request.offset() + (self.items.len() as i64) < self.total
    }

    pub fn has_previous(&self) -> bool {
        self.request.number > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_request_is_clamped() {
        let p = PageRequest::new(Some(0), Some(100_000));
        assert_eq!(p.number, 1);
        assert_eq!(p.size, MAX_PAGE_SIZE);
    }

    #[test]
    fn slicing_tells_whether_there_is_more() {
        let all: Vec<i32> = (1..=7).collect();
        let first = PageRequest::new(Some(1), Some(3)).slice(&all);
        assert_eq!(first.items, vec![1, 2, 3]);
        assert!(first.has_next() && !first.has_previous());
        let last = PageRequest::new(Some(3), Some(3)).slice(&all);
        assert_eq!(last.items, vec![7]);
        assert!(!last.has_next() && last.has_previous());
    }
}
