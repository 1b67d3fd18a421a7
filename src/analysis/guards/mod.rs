//! Guards of synchronous locks and `RefCell` borrows: their lifetimes by the drop rules
//! ([`body`]) and the walk's events that create, hold, move and drop them ([`track`]).

mod body;
pub(crate) mod track;

pub(crate) use body::*;
