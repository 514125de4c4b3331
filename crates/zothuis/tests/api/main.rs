//! Black-box HTTP tests: one binary, each test with its own server on port 0
//! and a fresh database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod api_admin;
mod api_reference;
mod audit;
mod audit_anchor;
mod audit_rows;
mod authorization;
mod care;
mod cli;
mod clients;
mod concurrency;
mod crash;
mod demo;
mod disk_full;
mod figures;
mod http_edge;
mod import;
mod lists;
mod openapi;
mod outflow;
mod outflow_pages;
mod outreach;
mod outreach_pages;
mod pages;
mod plans;
mod reference_pages;
mod servers;
mod shelter;
mod side_channels;
mod suppression;
mod usability;
mod waitlist;
