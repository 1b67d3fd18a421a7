//! Text positions and the small lexer ([`lexer`]) the text-level passes (suppressions,
//! fixes, the pre-parse checks) read tokens with.

pub(crate) mod lexer;
