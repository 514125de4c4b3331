//! The page the finance pages (budgets, settlement, distribution keys, the
//! transition) are built from: a heading, notices, facts, links, forms and
//! sections, each section with its facts, text, table, downloads and forms.

use super::*;
use zothuis_domain::FieldError;

/// A notice on a page: `warning` (announced at once) or `info`.
pub struct PageAlert {
    pub kind: &'static str,
    pub text: String,
    pub link: Option<Link>,
}

impl PageAlert {
    pub fn warning(text: impl Into<String>) -> PageAlert {
        PageAlert {
            kind: "warning",
            text: text.into(),
            link: None,
        }
    }

    pub fn info(text: impl Into<String>) -> PageAlert {
        PageAlert {
            kind: "info",
            text: text.into(),
            link: None,
        }
    }

    /// The ARIA role: a warning interrupts, information waits its turn.
    pub fn role(&self) -> &'static str {
        if self.kind == "warning" {
            "alert"
        } else {
            "status"
        }
    }
}

/// A part of a page under its own heading.
pub struct PageSection {
    /// The section's element id (its heading's is `{id}-kop`); unique on
    /// the page and apart from the forms' anchors.
    pub id: &'static str,
    pub heading: String,
    /// Figures with their label, before the text.
    pub facts: Vec<(String, String)>,
    pub paragraphs: Vec<String>,
    /// A bullet list (the model's assumptions).
    pub items: Vec<String>,
    pub forms: Vec<FormBlock>,
    pub table: Option<Table>,
    pub downloads: Vec<Link>,
}

impl PageSection {
    pub fn new(id: &'static str, heading: impl Into<String>) -> PageSection {
        PageSection {
            id,
            heading: heading.into(),
            facts: Vec::new(),
            paragraphs: Vec::new(),
            items: Vec::new(),
            forms: Vec::new(),
            table: None,
            downloads: Vec::new(),
        }
    }

    pub fn text(mut self, p: impl Into<String>) -> Self {
        self.paragraphs.push(p.into());
        self
    }

    pub fn form(mut self, f: FormBlock) -> Self {
        self.forms.push(f);
        self
    }

    pub fn table(mut self, t: Table) -> Self {
        self.table = Some(t);
        self
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "finance_page.html")]
pub struct FinancePage {
    pub layout: Layout,
    pub heading: String,
    pub intro: Option<String>,
    pub errors: Vec<Link>,
    pub alerts: Vec<PageAlert>,
    pub facts: Vec<(String, String)>,
    pub links: Vec<Link>,
    /// Forms above the sections.
    pub forms: Vec<FormBlock>,
    pub sections: Vec<PageSection>,
}

impl FinancePage {
    pub fn new(layout: Layout, heading: impl Into<String>) -> FinancePage {
        FinancePage {
            layout,
            heading: heading.into(),
            intro: None,
            errors: Vec::new(),
            alerts: Vec::new(),
            facts: Vec::new(),
            links: Vec::new(),
            forms: Vec::new(),
            sections: Vec::new(),
        }
    }

    pub fn fact(mut self, label: &str, value: impl Into<String>) -> Self {
        self.facts.push((label.into(), value.into()));
        self
    }

    pub fn form_mut(&mut self, anchor: &str) -> Option<&mut FormBlock> {
        self.forms
            .iter_mut()
            .chain(self.sections.iter_mut().flat_map(|s| s.forms.iter_mut()))
            .find(|f| f.anchor == anchor)
    }

    /// The page answering a form on it that failed: each problem beside its
    /// field in the form at `anchor`, in the summary at the top; a stale
    /// version as a warning (409). A user without that form (who could only
    /// have posted by hand) gets the error page.
    pub fn failed(mut self, anchor: &str, e: DomainError) -> Response {
        let (errors, status) = match e {
            DomainError::Invalid(errors) => (errors, StatusCode::BAD_REQUEST),
            DomainError::StaleVersion(_) => {
                self.alerts.push(PageAlert::warning(crate::nl::STALE_FORM));
                (Vec::new(), StatusCode::CONFLICT)
            }
            DomainError::Conflict(message) => (
                vec![FieldError::new("formulier", message)],
                StatusCode::CONFLICT,
            ),
            other => return PageError(other).into_response(),
        };
        let Some(form) = self.form_mut(anchor) else {
            return PageError(DomainError::Invalid(errors)).into_response();
        };
        self.errors = form.apply_errors(&errors);
        (status, self).into_response()
    }
}
