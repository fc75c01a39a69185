//! Integration tests: each starts the real server on a random port against a real database and
//! drives it over HTTP (and the real CLI binary where the CLI is the interface). Every test that
//! touches the database runs on SQLite and on PostgreSQL (see `helpers::run`).

mod helpers;

mod admin;
mod applications;
mod audit;
mod authz;
mod bad_input;
mod browser;
mod cli;
mod database;
mod openapi;
mod pii;
mod plans;
mod portal;
mod publishing;
mod search;
mod security;
mod workflow;
