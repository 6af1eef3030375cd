//! The real servers notifications travel through, started by the tests: a mail server
//! (aiosmtpd, from Debian's `python3-aiosmtpd`, with the handler in `tests/support/
//! smtp_sink.py`) and Kannel (bearerbox + smsbox) with its fake SMSC (`fakesmsc`, from
//! `kannel-extras`) playing the phone network: the tests type texts into it and read the
//! texts Kannel delivers to it.

use super::processes::free_port;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

const FAKESMSC: &str = "/usr/lib/kannel/test/fakesmsc";

fn scratch(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "lapor_{name}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

async fn wait_for_port(port: u16, what: &str) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not listen on {port}");
}

/// A running aiosmtpd.
pub struct Smtp {
    child: Option<Child>,
    pub port: u16,
    pub maildir: PathBuf,
}

impl Smtp {
    pub async fn start() -> Smtp {
        let mut smtp = Smtp {
            child: None,
            port: free_port(),
            maildir: scratch("maildir"),
        };
        smtp.resume().await;
        smtp
    }

    /// Starts it again on the same port, after [`Smtp::stop`].
    pub async fn resume(&mut self) {
        let support = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support");
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "smtp_sink.Sink"])
            .arg(&self.maildir)
            .env("PYTHONPATH", support)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd (apt install python3-aiosmtpd)");
        self.child = Some(child);
        wait_for_port(self.port, "aiosmtpd").await;
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            kill(&mut c);
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message it accepted, raw.
    pub fn messages(&self) -> Vec<String> {
        let mut all = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(dir) = std::fs::read_dir(self.maildir.join(sub)) {
                let mut files: Vec<_> = dir.flatten().map(|e| e.path()).collect();
                files.sort();
                for f in files {
                    all.push(std::fs::read_to_string(f).unwrap_or_default());
                }
            }
        }
        all
    }

    /// Waits up to `wait` for a message containing `needle`.
    pub async fn wait_for(&self, needle: &str, wait: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(m) = self
                .messages()
                .into_iter()
                .find(|m| unfold(m).contains(needle))
            {
                return Some(m);
            }
            if tokio::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}

/// A mail's text with quoted-printable soft breaks and escapes undone (enough to search it).
pub fn unfold(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Kannel: bearerbox, smsbox and the fake SMSC connected to it.
pub struct Kannel {
    dir: PathBuf,
    boxes: Vec<Child>,
    phone: Option<(Child, ChildStdin)>,
    pub sendsms_port: u16,
    smsc_port: u16,
    /// The fake SMSC's output: what Kannel delivered to the phones.
    out: PathBuf,
}

/// A text Kannel delivered to a phone, its parts put back together.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub to: String,
    pub text: String,
    pub parts: usize,
}

pub const PASSWORD: &str = "kata-sandi-kannel";
pub const KEY: &str = "kunci-gerbang-sms";

impl Kannel {
    /// Kannel delivering incoming texts to lapor on `lapor_port`.
    pub async fn start(lapor_port: u16) -> Kannel {
        let dir = scratch("kannel");
        let (admin, smsbox, smsc, sendsms) = (free_port(), free_port(), free_port(), free_port());
        let conf = format!(
            "group = core\nadmin-port = {admin}\nadmin-password = {PASSWORD}\n\
             smsbox-port = {smsbox}\nbox-allow-ip = 127.0.0.1\nlog-level = 1\n\
             log-file = \"{dir}/bearerbox.log\"\nstore-type = spool\nstore-location = \"{dir}/spool\"\n\
             unified-prefix = \"+62,0062,62,0;+\"\n\n\
             group = smsc\nsmsc = fake\nsmsc-id = fake\nport = {smsc}\nconnect-allow-ip = 127.0.0.1\n\n\
             group = smsbox\nbearerbox-host = 127.0.0.1\nbearerbox-port = {smsbox}\n\
             sendsms-port = {sendsms}\nlog-level = 1\nlog-file = \"{dir}/smsbox.log\"\n\
             http-request-retry = 3\nhttp-queue-delay = 1\n\n\
             group = sendsms-user\nusername = lapor\npassword = {PASSWORD}\nmax-messages = 1\n\n\
             group = sms-service\nkeyword = default\ncatch-all = true\nmax-messages = 0\n\
             omit-empty = true\n\
             get-url = \"http://127.0.0.1:{lapor_port}/sms/kannel?key={KEY}&from=%p&to=%P&time=%T&id=%I&charset=%C&text=%b\"\n",
            dir = dir.display()
        );
        std::fs::create_dir_all(dir.join("spool")).expect("spool");
        std::fs::write(dir.join("kannel.conf"), conf).expect("kannel.conf");
        let mut k = Kannel {
            out: dir.join("phones.log"),
            dir,
            boxes: Vec::new(),
            phone: None,
            sendsms_port: sendsms,
            smsc_port: smsc,
        };
        k.resume().await;
        k
    }

    /// Starts the boxes and the phone network again, after [`Kannel::stop`].
    pub async fn resume(&mut self) {
        let conf = self.dir.join("kannel.conf");
        let bearerbox = Command::new("/usr/sbin/bearerbox")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start bearerbox (apt install kannel)");
        self.boxes.push(bearerbox);
        wait_for_port(self.smsc_port, "bearerbox").await;
        let smsbox = Command::new("/usr/sbin/smsbox")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start smsbox");
        self.boxes.push(smsbox);
        wait_for_port(self.sendsms_port, "smsbox").await;
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.out)
            .expect("phones log");
        let mut phone = Command::new(FAKESMSC)
            .args([
                "-H",
                "127.0.0.1",
                "-r",
                &self.smsc_port.to_string(),
                "-i",
                "0",
            ])
            .stdin(Stdio::piped())
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .spawn()
            .expect("start fakesmsc (apt install kannel-extras)");
        let stdin = phone.stdin.take().expect("stdin");
        self.phone = Some((phone, stdin));
        // The fake SMSC connects, and smsbox to bearerbox, within a moment.
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }

    pub fn stop(&mut self) {
        if let Some((mut phone, _)) = self.phone.take() {
            kill(&mut phone);
        }
        for mut b in self.boxes.drain(..).rev() {
            kill(&mut b);
        }
    }

    pub fn sendsms_url(&self) -> String {
        format!("http://127.0.0.1:{}/cgi-bin/sendsms", self.sendsms_port)
    }

    /// A citizen texts the service number.
    pub fn text(&mut self, from: &str, body: &str) {
        let (_, stdin) = self.phone.as_mut().expect("the phone network runs");
        writeln!(stdin, "{from} 1708 text {body}").expect("type a text");
        stdin.flush().expect("send");
    }

    /// A citizen texts the service number from a phone that sends UCS-2 (emoji, non-Latin).
    pub fn text_ucs2(&mut self, from: &str, body: &str) {
        let bytes: Vec<u8> = body.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let encoded: String = bytes.iter().map(|b| format!("%{b:02X}")).collect();
        let (_, stdin) = self.phone.as_mut().expect("the phone network runs");
        writeln!(stdin, "{from} 1708 ucs2 {encoded}").expect("type a text");
        stdin.flush().expect("send");
    }

    /// Every text delivered to phones so far, concatenated parts joined.
    pub fn delivered(&self) -> Vec<Delivered> {
        let log = std::fs::read_to_string(&self.out).unwrap_or_default();
        let mut whole = Vec::new();
        let mut pending: BTreeMap<(String, u8), Vec<Option<String>>> = BTreeMap::new();
        for line in log.lines() {
            let Some(msg) = line.split("Got message ").nth(1) else {
                continue;
            };
            let Some(msg) = msg.split_once(": <").map(|(_, m)| m.trim_end_matches('>')) else {
                continue;
            };
            let mut words = msg.splitn(4, ' ');
            let (_from, to, kind) = (words.next(), words.next().unwrap_or(""), words.next());
            let rest = words.next().unwrap_or("");
            match kind {
                Some("udh") => {
                    let (udh, rest) = rest.split_once(' ').unwrap_or((rest, ""));
                    let udh = url_bytes(udh);
                    let (kind, data) = rest.split_once(' ').unwrap_or(("data", rest));
                    // fakesmsc names a part with a header "data" whatever its coding: a
                    // UCS-2 part is told by its bytes (Latin letters are 00 xx).
                    let bytes = url_bytes(data);
                    let zeros = bytes.iter().step_by(2).filter(|b| **b == 0).count();
                    let kind = if kind == "data"
                        && bytes.len().is_multiple_of(2)
                        && zeros * 3 >= bytes.len() / 2
                    {
                        "ucs-2"
                    } else {
                        kind
                    };
                    let text = decode(kind, data);
                    if udh.len() >= 6 && udh[1] == 0 {
                        let (reference, total, seq) =
                            (udh[3], usize::from(udh[4]), usize::from(udh[5]));
                        let slot = pending
                            .entry((to.to_owned(), reference))
                            .or_insert_with(|| vec![None; total]);
                        if let Some(s) = slot.get_mut(seq.saturating_sub(1)) {
                            *s = Some(text);
                        }
                        if slot.iter().all(Option::is_some) {
                            let parts = slot.len();
                            let text = slot.iter().flatten().cloned().collect::<String>();
                            pending.remove(&(to.to_owned(), reference));
                            whole.push(Delivered {
                                to: to.to_owned(),
                                text,
                                parts,
                            });
                        }
                    }
                }
                Some(kind) => whole.push(Delivered {
                    to: to.to_owned(),
                    text: decode(kind, rest),
                    parts: 1,
                }),
                None => {}
            }
        }
        whole
    }

    /// Waits up to `wait` for a text to `to` containing `needle`.
    pub async fn wait_for(&self, to: &str, needle: &str, wait: Duration) -> Option<Delivered> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(d) = self
                .delivered()
                .into_iter()
                .find(|d| d.to == to && d.text.contains(needle))
            {
                return Some(d);
            }
            if tokio::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn url_bytes(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap_or(b'?'));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// A delivered text's words: `text` as is, `data` url-encoded Latin-1, `ucs-2` url-encoded
/// UTF-16BE.
fn decode(kind: &str, data: &str) -> String {
    match kind {
        "text" => data.to_owned(),
        "ucs-2" | "ucs2" => {
            let bytes = url_bytes(data);
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => {
            let bytes = url_bytes(data);
            String::from_utf8(bytes.clone())
                .unwrap_or_else(|_| bytes.iter().map(|&b| char::from(b)).collect())
        }
    }
}

impl Drop for Kannel {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
