//! Who is asking: sessions for people in browsers, bearer tokens for programs. Every request passes
//! through [`authenticate`]; each route then declares who may use it in the route table (`access::routes`).

mod accounts;
pub mod oidc;
mod password;
mod secrets;
pub mod session;

pub use accounts::{create_account, NewUser};
pub use password::{hash_password, verify_password};
pub use secrets::{hash_secret, new_secret};
pub use session::{authenticate, CurrentUser, SessionConfig, SESSION_COOKIE};
