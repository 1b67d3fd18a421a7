//! Guards of synchronous locks and `RefCell` borrows: their lifetimes by the drop rules
//! ([`body`]), the walk's events that create, hold, move and drop them ([`track`]), and
//! what the crate model must answer about values that may be guards ([`escape`]).

mod body;
pub(crate) mod escape;
mod shapes;
pub(crate) mod track;

pub(crate) use body::*;
pub use escape::Escapes;
