//! The import upload, shared by the page and the API: read the multipart
//! form, read the files into tables, run the import.

use axum::extract::Multipart;
use zothuis_domain::admin::RequestContext;
use zothuis_domain::import::service::{ImportOptions, ImportReport};
use zothuis_domain::{DomainError, DomainResult, Services};

pub struct Upload {
    pub files: Vec<(String, Vec<u8>)>,
    pub dry_run: bool,
}

pub fn unreadable() -> DomainError {
    DomainError::invalid(
        "bestanden",
        "het formulier kon niet worden gelezen (verwacht multipart/form-data met bestanden)",
    )
}

/// The fields `bestanden` (files; an empty file field is skipped) and
/// `alleenControleren` (ja, true, 1 or on).
pub async fn read(mut form: Multipart) -> DomainResult<Upload> {
    let mut upload = Upload {
        files: Vec::new(),
        dry_run: false,
    };
    while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("bestanden") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(|_| unreadable())?;
                if !name.is_empty() || !bytes.is_empty() {
                    upload.files.push((name, bytes.to_vec()));
                }
            }
            Some("alleenControleren") => {
                let v = field.text().await.map_err(|_| unreadable())?;
                upload.dry_run = matches!(v.trim(), "ja" | "true" | "1" | "on");
            }
            _ => {}
        }
    }
    if upload.files.is_empty() {
        return Err(DomainError::invalid(
            "bestanden",
            "kies één of meer bestanden",
        ));
    }
    Ok(upload)
}

/// Reads the files and imports them; unreadable files are problems too.
pub async fn import(
    services: &Services,
    ctx: &RequestContext,
    upload: &Upload,
) -> DomainResult<ImportReport> {
    match zothuis_import::read_files(&upload.files) {
        Ok(tables) => {
            services
                .import(
                    ctx,
                    &tables,
                    &ImportOptions {
                        dry_run: upload.dry_run,
                        grant_to: None,
                    },
                    &|_, _| {},
                )
                .await
        }
        Err(problems) => Ok(ImportReport {
            problems,
            ..Default::default()
        }),
    }
}
