//! The assessment (beoordeling) of an application against the region's
//! framework (afwegingskader): a configurable checklist per product, answered
//! per criterion with a motivation and a conclusion.

use crate::error::{DomainError, DomainResult, Validator};
use crate::reference::Name;
use chrono::{DateTime, NaiveDate, Utc};

/// One criterion of the framework for a product.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub id: i64,
    pub product_id: i64,
    pub text: String,
    pub position: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Ja,
    Nee,
    NietVanToepassing,
}

impl Answer {
    pub fn code(self) -> &'static str {
        match self {
            Answer::Ja => "ja",
            Answer::Nee => "nee",
            Answer::NietVanToepassing => "nvt",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Answer::Ja => "Ja",
            Answer::Nee => "Nee",
            Answer::NietVanToepassing => "Niet van toepassing",
        }
    }

    pub fn parse(s: &str) -> Result<Answer, &'static str> {
        match s.trim() {
            "ja" => Ok(Answer::Ja),
            "nee" => Ok(Answer::Nee),
            "nvt" => Ok(Answer::NietVanToepassing),
            _ => Err("beantwoord met ja, nee of niet van toepassing"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub id: i64,
    pub application_id: i64,
    pub client_id: i64,
    pub assessed_on: NaiveDate,
    /// (criterion id, answer, note)
    pub answers: Vec<(i64, Answer, Option<String>)>,
    pub motivation: String,
    /// The consultant's conclusion: meets the framework or not.
    pub meets: bool,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Default)]
pub struct AssessmentInput {
    pub assessed_on: String,
    /// (criterion id, answer code, note)
    pub answers: Vec<(i64, String, Option<String>)>,
    pub motivation: String,
    /// "voldoet" or "voldoet-niet"
    pub conclusion: String,
}

#[derive(Debug, Clone)]
pub struct AssessmentData {
    pub application_id: i64,
    pub client_id: i64,
    pub assessed_on: NaiveDate,
    pub answers: Vec<(i64, Answer, Option<String>)>,
    pub motivation: String,
    pub meets: bool,
}

impl AssessmentInput {
    /// Every criterion of the product must be answered, once.
    pub fn parse(
        &self,
        criteria: &[Criterion],
        application_id: i64,
        client_id: i64,
    ) -> DomainResult<AssessmentData> {
        let mut v = Validator::new();
        let day = v.check("datum", crate::Datum::parse(&self.assessed_on));
        let mut answers = Vec::new();
        for c in criteria {
            match self.answers.iter().find(|(id, _, _)| *id == c.id) {
                Some((_, code, note)) => match Answer::parse(code) {
                    Ok(a) => answers.push((c.id, a, note.clone().filter(|n| !n.trim().is_empty()))),
                    Err(_) => v.add(
                        &format!("criterium-{}", c.id),
                        format!("beantwoord met ja, nee of niet van toepassing: {}", c.text),
                    ),
                },
                None => v.add(
                    &format!("criterium-{}", c.id),
                    format!("beantwoord het criterium: {}", c.text),
                ),
            }
        }
        for (id, _, _) in &self.answers {
            if !criteria.iter().any(|c| c.id == *id) {
                v.add(
                    "antwoorden",
                    format!("criterium {id} hoort niet bij dit product"),
                );
            }
        }
        if self.motivation.trim().chars().count() < 10 {
            v.add("motivering", "geef een motivering van minstens 10 tekens");
        }
        let meets = match self.conclusion.trim() {
            "voldoet" => Some(true),
            "voldoet-niet" => Some(false),
            _ => {
                v.add(
                    "conclusie",
                    "kies of de aanvraag voldoet aan het afwegingskader",
                );
                None
            }
        };
        v.finish()?;
        let (Some(day), Some(meets)) = (day, meets) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        Ok(AssessmentData {
            application_id,
            client_id,
            assessed_on: day.0,
            answers,
            motivation: self.motivation.trim().to_string(),
            meets,
        })
    }
}

pub fn parse_criterion_text(text: &str) -> DomainResult<String> {
    Name::parse(text)
        .map(Name::into_string)
        .map_err(|e| DomainError::invalid("tekst", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criteria() -> Vec<Criterion> {
        (1..=3)
            .map(|i| Criterion {
                id: i,
                product_id: 1,
                text: format!("c{i}"),
                position: i,
            })
            .collect()
    }

    #[test]
    fn every_criterion_needs_an_answer_and_the_motivation_is_required() {
        let input = AssessmentInput {
            assessed_on: "2026-01-08".into(),
            answers: vec![(1, "ja".into(), None), (2, "misschien".into(), None)],
            motivation: "kort".into(),
            conclusion: "".into(),
        };
        match input.parse(&criteria(), 1, 1) {
            Err(DomainError::Invalid(e)) => {
                let fields: Vec<_> = e.iter().map(|f| f.field.as_str()).collect();
                assert_eq!(
                    fields,
                    ["criterium-2", "criterium-3", "motivering", "conclusie"]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_complete_assessment_parses() {
        let input = AssessmentInput {
            assessed_on: "2026-01-08".into(),
            answers: vec![
                (1, "ja".into(), None),
                (2, "nee".into(), Some("zie verslag".into())),
                (3, "nvt".into(), None),
            ],
            motivation: "Voldoet aan de criteria voor beschermd wonen".into(),
            conclusion: "voldoet".into(),
        };
        let a = input.parse(&criteria(), 5, 9).unwrap();
        assert!(a.meets);
        assert_eq!(a.answers[1], (2, Answer::Nee, Some("zie verslag".into())));
    }
}
