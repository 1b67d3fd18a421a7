//! JSON-RPC over stdio, framed by `Content-Length` headers. Unlike `lsp_server`'s own
//! stdio threads, a body that is not a JSON-RPC message is answered with a parse error
//! and the server reads on: one bad message must not end the session.

use std::io::{BufRead, Write};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Message, RequestId};

/// JSON-RPC's code for a body that is not valid JSON.
const PARSE_ERROR: i32 = -32700;

/// The channels of a stdio session, and the threads that serve them.
pub struct Stdio {
    pub sender: Sender<Message>,
    pub receiver: Receiver<Message>,
    pub writer: std::thread::JoinHandle<()>,
}

/// Starts reading stdin and writing stdout on threads of their own.
pub fn stdio() -> Stdio {
    let (to_writer, from_server) = crossbeam_channel::unbounded::<Message>();
    let writer = std::thread::spawn(move || {
        let stdout = std::io::stdout();
        for message in from_server {
            let mut out = stdout.lock();
            if message.write(&mut out).and_then(|()| out.flush()).is_err() {
                break;
            }
        }
    });
    let (to_server, receiver) = crossbeam_channel::unbounded::<Message>();
    // The reader ends with the input, or with the process (it may be blocked on stdin).
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        while let Ok(Some(body)) = read_body(&mut input) {
            match serde_json::from_slice::<Message>(&body) {
                Ok(message) => {
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if to_server.send(message).is_err() || exit {
                        break;
                    }
                }
                Err(err) => {
                    // Written whole under stdout's lock, as the writer writes each message.
                    let response = parse_error(&body, &err.to_string());
                    let mut out = std::io::stdout().lock();
                    let _ = out
                        .write_all(response.as_bytes())
                        .and_then(|()| out.flush());
                }
            }
        }
    });
    Stdio {
        sender: to_writer,
        receiver,
        writer,
    }
}

/// The framed response to a body that is not a JSON-RPC message: its `id` when its JSON
/// has one, else `null` (JSON-RPC: the id could not be read; `lsp_server` has no null id).
fn parse_error(body: &[u8], err: &str) -> String {
    let id = request_id(body).map_or(serde_json::Value::Null, |id| {
        serde_json::to_value(id).unwrap_or_default()
    });
    let response = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": PARSE_ERROR, "message": format!("not a JSON-RPC message: {err}") },
    });
    let text = response.to_string();
    format!("Content-Length: {}\r\n\r\n{text}", text.len())
}

/// The `id` of a malformed request, when its JSON has one.
fn request_id(body: &[u8]) -> Option<RequestId> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    serde_json::from_value(value.get("id")?.clone()).ok()
}

/// One message's body; `None` at the end of the input. Headers other than
/// `Content-Length` are skipped; a header block without it is skipped whole.
pub fn read_body(input: &mut impl BufRead) -> std::io::Result<Option<Vec<u8>>> {
    loop {
        let mut length: Option<usize> = None;
        let mut any = false;
        loop {
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                return Ok(None);
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if any {
                    break;
                }
                continue;
            }
            any = true;
            if let Some((name, value)) = line.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().ok();
            }
        }
        let Some(length) = length else { continue };
        // A length beyond reason is not a message this server can hold.
        if length > 1 << 30 {
            return Err(std::io::Error::other("message too long"));
        }
        let mut body = vec![0; length];
        input.read_exact(&mut body)?;
        return Ok(Some(body));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_framed_by_content_length() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Type: x\r\nContent-Length: 3\r\n\r\nabcX-Other: 1\r\n\r\n";
        let mut reader = &input[..];
        assert_eq!(read_body(&mut reader).unwrap().unwrap(), b"{}");
        assert_eq!(read_body(&mut reader).unwrap().unwrap(), b"abc");
        assert_eq!(read_body(&mut reader).unwrap(), None);
    }

    #[test]
    fn a_malformed_request_keeps_its_id() {
        assert_eq!(
            request_id(br#"{"jsonrpc":"2.0","id":7,"method":3}"#),
            Some(RequestId::from(7))
        );
        assert_eq!(request_id(b"{not json"), None);
    }

    #[test]
    fn a_parse_error_without_an_id_answers_id_null() {
        let framed = parse_error(b"{not json", "bad");
        let (header, body) = framed.split_once("\r\n\r\n").unwrap();
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(value["id"].is_null(), "{value}");
        assert_eq!(value["error"]["code"], PARSE_ERROR);
        let kept = parse_error(br#"{"id":7,"method":3}"#, "bad");
        assert!(kept.contains(r#""id":7,"#), "{kept}");
    }
}
