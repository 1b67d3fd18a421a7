//! An IP address and port written out: resolving it looks nothing up.

use quote::ToTokens;
use syn::Expr;

use super::peel_refs;

/// An IP address and port written out: `"127.0.0.1:8080"`, `"[::1]:80"`, or a tuple of an
/// IP address literal and a port (`("0.0.0.0", port)`); also made a `String`
/// (`"127.0.0.1:8080".to_string()`, `String::from("…")`): the same text, the same address.
pub(crate) fn is_address_literal(receiver: &Expr) -> bool {
    match peel_refs(receiver) {
        Expr::Tuple(tuple) if tuple.elems.len() == 2 => {
            text(&tuple.elems[0]).is_some_and(|ip| ip.parse::<std::net::IpAddr>().is_ok())
        }
        Expr::Macro(mac) => formatted_port(&mac.mac),
        expr => text(expr).is_some_and(|text| text.parse::<std::net::SocketAddr>().is_ok()),
    }
}

/// `format!("127.0.0.1:{port}")`: an IP address written out and a port filled in. (A port
/// that is not a number makes resolving fail, not look anything up.)
fn formatted_port(mac: &syn::Macro) -> bool {
    let format = mac
        .path
        .segments
        .last()
        .is_some_and(|last| last.ident == "format");
    if !format {
        return false;
    }
    let Some(proc_macro2::TokenTree::Literal(first)) = mac.tokens.clone().into_iter().next() else {
        return false;
    };
    let Ok(format) = syn::parse2::<syn::LitStr>(first.into_token_stream()) else {
        return false;
    };
    let format = format.value();
    let Some((host, port)) = format.rsplit_once(':') else {
        return false;
    };
    let placeholder = port.strip_prefix('{').and_then(|p| p.strip_suffix('}'));
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    placeholder.is_some_and(|inner| !inner.contains(['{', '}']))
        && host.parse::<std::net::IpAddr>().is_ok()
}

/// A string literal's text, or that of a `String` made from one.
fn text(expr: &Expr) -> Option<String> {
    let literal = match peel_refs(expr) {
        Expr::MethodCall(call)
            if call.args.is_empty()
                && ["to_string", "to_owned", "into"]
                    .iter()
                    .any(|m| call.method == m) =>
        {
            peel_refs(&call.receiver)
        }
        Expr::Call(call) if call.args.len() == 1 && is_string_from(&call.func) => {
            peel_refs(&call.args[0])
        }
        literal => literal,
    };
    match literal {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) => Some(text.value()),
        _ => None,
    }
}

fn is_string_from(func: &Expr) -> bool {
    let Expr::Path(path) = func else {
        return false;
    };
    let mut names = path.path.segments.iter().rev().map(|s| &s.ident);
    names.next().is_some_and(|name| name == "from") && names.next().is_some_and(|ty| ty == "String")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_written_out_also_as_strings() {
        let yes = [
            r#""127.0.0.1:8080""#,
            r#"&"[::1]:80""#,
            r#"("0.0.0.0", port)"#,
            r#""1.1.1.1:80".to_string()"#,
            r#""1.1.1.1:80".to_owned()"#,
            r#"String::from("10.0.0.1:443")"#,
            r#"std::string::String::from("10.0.0.1:443")"#,
            r#"format!("127.0.0.1:{port}")"#,
            r#"format!("[::1]:{}", port)"#,
        ];
        let no = [
            r#""example.com:80""#,
            r#""example.com:80".to_string()"#,
            r#"String::from(host)"#,
            r#"format!("{ip}:80")"#,
            r#"format!("{host}:{port}")"#,
            r#"format!("localhost:{port}")"#,
            r#"format!("127.0.0.1:{port}/path")"#,
            r#"println!("127.0.0.1:{port}")"#,
            r#""1.1.1.1:80".repeat(1)"#,
            r#"("localhost", 80)"#,
        ];
        for text in yes {
            let expr: Expr = syn::parse_str(text).unwrap();
            assert!(is_address_literal(&expr), "{text}");
        }
        for text in no {
            let expr: Expr = syn::parse_str(text).unwrap();
            assert!(!is_address_literal(&expr), "{text}");
        }
    }
}
