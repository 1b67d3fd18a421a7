//! What the source shows of a value's type: annotations, constructors, fields. No
//! inference beyond that: an unknown type is `Ty::Unknown`, and rules stay silent on it.

use syn::{GenericArgument, PathArguments, Type};

use super::imports::{Imports, Resolved};
use super::known_paths::{
    DEREF_WRAPPERS, FALLIBLE_WRAPPERS, POOL_MANAGERS, POOLED_CONNECTION, SEQUENCE, SEQUENCES,
    UNKNOWN_SPEC,
};

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) enum Ty {
    /// A canonical path (`std::fs::File`, `local::AppState`) and its type arguments.
    Named(String, Vec<Ty>),
    Tuple(Vec<Ty>),
    /// Something a `for` loop takes items of this type from.
    Iter(Box<Ty>),
    #[default]
    Unknown,
}

const MAX_DEPTH: usize = 32;

impl Ty {
    pub(crate) fn named(path: &str) -> Ty {
        Ty::Named(path.to_string(), Vec::new())
    }

    pub(crate) fn path(&self) -> Option<&str> {
        match self {
            Ty::Named(path, _) => Some(path),
            _ => None,
        }
    }

    pub(crate) fn arg(&self, index: usize) -> Ty {
        match self {
            Ty::Named(_, args) => args.get(index).cloned().unwrap_or_default(),
            _ => Ty::Unknown,
        }
    }

    /// Applies auto-deref through smart pointers.
    pub(crate) fn normalized(self) -> Ty {
        match self {
            // A pooled connection dereferences to its manager's connection.
            Ty::Named(path, args) if path == POOLED_CONNECTION => {
                let manager = args.into_iter().next().unwrap_or_default();
                match POOL_MANAGERS
                    .iter()
                    .find(|row| Some(row.0) == manager.path())
                {
                    Some((_, "arg0")) => manager.arg(0).normalized(),
                    Some((_, connection)) => Ty::named(connection),
                    None => Ty::Unknown,
                }
            }
            Ty::Named(path, mut args) if DEREF_WRAPPERS.contains(&path.as_str()) => {
                if args.is_empty() {
                    Ty::Unknown
                } else {
                    args.swap_remove(0).normalized()
                }
            }
            other => other,
        }
    }

    /// The value inside an `Option` or `Result` (what `?` or `unwrap` gives). Types not
    /// known to be fallible pass through: constructor tables list the success type bare.
    pub(crate) fn unwrapped(self) -> Ty {
        match self {
            Ty::Named(path, args) if FALLIBLE_WRAPPERS.contains(&path.as_str()) => {
                args.into_iter().next().unwrap_or_default().normalized()
            }
            other => other,
        }
    }

    /// What iterating over this value yields, if the source shows it.
    pub(crate) fn item(&self) -> Ty {
        match self {
            Ty::Iter(item) => (**item).clone(),
            Ty::Named(path, args) if SEQUENCES.contains(&path.as_str()) => {
                args.first().cloned().unwrap_or_default()
            }
            _ => Ty::Unknown,
        }
    }

    /// Parses a type spec from the known-paths tables (see `known_paths::RETURNS`).
    pub(crate) fn from_spec(spec: &str, receiver: &Ty, args: &[Ty]) -> Ty {
        let spec = spec.trim();
        if spec == "Self" {
            return receiver.clone();
        }
        if spec == UNKNOWN_SPEC {
            return Ty::Unknown;
        }
        if let Some(index) = spec.strip_prefix("Self.") {
            return index
                .parse::<usize>()
                .map(|i| receiver.arg(i))
                .unwrap_or_default();
        }
        if let Some(index) = spec.strip_prefix("arg") {
            return index
                .parse::<usize>()
                .ok()
                .and_then(|i| args.get(i).cloned())
                .unwrap_or_default();
        }
        if let Some(inner) = spec.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
            return Ty::Tuple(
                split_top_level(inner)
                    .into_iter()
                    .map(|part| Ty::from_spec(part, receiver, args))
                    .collect(),
            );
        }
        if let Some(inner) = spec.strip_prefix("iter<").and_then(|s| s.strip_suffix('>')) {
            return Ty::Iter(Box::new(Ty::from_spec(inner, receiver, args)));
        }
        if let Some((path, rest)) = spec.split_once('<')
            && let Some(inner) = rest.strip_suffix('>')
        {
            let args = split_top_level(inner)
                .into_iter()
                .map(|part| Ty::from_spec(part, receiver, args))
                .collect();
            return Ty::Named(path.to_string(), args);
        }
        Ty::named(spec)
    }
}

fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if !text[start..].trim().is_empty() {
        parts.push(text[start..].trim());
    }
    parts
}

/// Resolves a written type through the file's imports. `self_ty` stands for `Self`.
pub(crate) fn resolve_type(ty: &Type, imports: &Imports, self_ty: &Ty) -> Ty {
    resolve_type_at(ty, imports, self_ty, 0)
}

fn resolve_type_at(ty: &Type, imports: &Imports, self_ty: &Ty, depth: usize) -> Ty {
    if depth > MAX_DEPTH {
        return Ty::Unknown;
    }
    match ty {
        Type::Reference(reference) => resolve_type_at(&reference.elem, imports, self_ty, depth + 1),
        Type::Paren(paren) => resolve_type_at(&paren.elem, imports, self_ty, depth + 1),
        Type::Group(group) => resolve_type_at(&group.elem, imports, self_ty, depth + 1),
        Type::Tuple(tuple) => Ty::Tuple(
            tuple
                .elems
                .iter()
                .map(|elem| resolve_type_at(elem, imports, self_ty, depth + 1))
                .collect(),
        ),
        Type::Slice(slice) => Ty::Named(
            SEQUENCE.to_string(),
            vec![resolve_type_at(&slice.elem, imports, self_ty, depth + 1)],
        ),
        Type::Array(array) => Ty::Named(
            SEQUENCE.to_string(),
            vec![resolve_type_at(&array.elem, imports, self_ty, depth + 1)],
        ),
        Type::Path(path) if path.qself.is_none() => {
            let segments = &path.path.segments;
            if segments.len() == 1 && segments[0].ident == "Self" {
                return self_ty.clone();
            }
            let resolved = match imports.resolve_path(&path.path) {
                Resolved::Extern(text) => match super::known_paths::canonical(&text) {
                    std::borrow::Cow::Owned(aliased) => aliased,
                    std::borrow::Cow::Borrowed(_) => text,
                },
                Resolved::Local(text) => text,
            };
            let args = match segments.last().map(|s| &s.arguments) {
                Some(PathArguments::AngleBracketed(generics)) => generics
                    .args
                    .iter()
                    .filter_map(|arg| match arg {
                        GenericArgument::Type(ty) => {
                            Some(resolve_type_at(ty, imports, self_ty, depth + 1))
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Ty::Named(resolved, args).normalized()
        }
        _ => Ty::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_tuples_iterators_and_arguments() {
        let receiver = Ty::named("R");
        assert_eq!(
            Ty::from_spec("(a::B, c::D)", &receiver, &[]),
            Ty::Tuple(vec![Ty::named("a::B"), Ty::named("c::D")])
        );
        assert_eq!(Ty::from_spec("Self", &receiver, &[]), receiver);
        assert_eq!(
            Ty::from_spec("iter<a::B>", &receiver, &[]),
            Ty::Iter(Box::new(Ty::named("a::B")))
        );
        assert_eq!(
            Ty::from_spec("std::sync::Mutex<arg0>", &receiver, &[Ty::named("x::Y")]),
            Ty::Named("std::sync::Mutex".into(), vec![Ty::named("x::Y")])
        );
    }

    #[test]
    fn wrappers_unwrap_and_deref() {
        let file = Ty::named("std::fs::File");
        let result = Ty::Named("std::io::Result".into(), vec![file.clone()]);
        assert_eq!(result.unwrapped(), file);
        let arc = Ty::Named("std::sync::Arc".into(), vec![file.clone()]);
        assert_eq!(arc.normalized(), file);
        assert_eq!(file.clone().unwrapped(), file);
    }
}
