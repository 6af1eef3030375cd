//! What happens to a file before it is stored: its type is read from its bytes (never taken
//! from its name), a photo is decoded and encoded anew as JPEG (orientation applied, no
//! metadata of any kind kept, at most [`PHOTO_SIDE`] pixels a side, a thumbnail made), a PDF
//! is checked to be one and to carry no script. Anything else is refused with the reason.

use super::{FileKind, Incoming, MAX_FILE_BYTES, MAX_PIXELS, PHOTO_SIDE, THUMB_SIDE};
use crate::error::FieldError;
use image::{DynamicImage, ImageDecoder, ImageReader, imageops::FilterType};
use std::io::Cursor;

/// A file ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    pub kind: FileKind,
    pub name: String,
    pub file: Vec<u8>,
    pub thumb: Option<Vec<u8>>,
}

/// The field every attachment problem is reported on.
pub const FIELD: &str = "lampiran";

fn refuse(key: &str) -> FieldError {
    FieldError::new(FIELD, key)
}

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Jpeg,
    Png,
    Webp,
    Heic,
    Pdf,
    Other,
}

fn sniff(b: &[u8]) -> Sniffed {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Sniffed::Jpeg
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Sniffed::Png
    } else if b.len() > 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Sniffed::Webp
    } else if b.len() > 12
        && &b[4..8] == b"ftyp"
        && matches!(&b[8..12], b"heic" | b"heix" | b"mif1" | b"heif")
    {
        Sniffed::Heic
    } else if b.starts_with(b"%PDF-") {
        Sniffed::Pdf
    } else {
        Sniffed::Other
    }
}

/// What the browser and the file name claim: a PDF, a picture, or nothing in particular.
fn claims(f: &Incoming) -> (bool, bool) {
    let name = f.name.to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let pdf = f.content_type == "application/pdf" || ext == "pdf";
    let image = f.content_type.starts_with("image/")
        || matches!(ext, "jpg" | "jpeg" | "png" | "webp" | "heic" | "heif");
    (pdf, image)
}

/// Checks and transforms one file; the error says what is wrong, in terms a citizen can act
/// on (too big, not a photo or PDF, not what its name says, too many pixels, damaged).
pub fn process(f: &Incoming) -> Result<Processed, FieldError> {
    if f.bytes.len() > MAX_FILE_BYTES {
        return Err(refuse("err.attach_too_big"));
    }
    let name = super::clean_name(&f.name);
    let (claims_pdf, claims_image) = claims(f);
    match sniff(&f.bytes) {
        Sniffed::Pdf if claims_image => Err(refuse("err.attach_fake")),
        Sniffed::Pdf => pdf(&f.bytes, name),
        Sniffed::Jpeg | Sniffed::Png | Sniffed::Webp if claims_pdf => {
            Err(refuse("err.attach_fake"))
        }
        Sniffed::Jpeg | Sniffed::Png | Sniffed::Webp => photo(&f.bytes, name),
        Sniffed::Heic => Err(refuse("err.attach_heic")),
        Sniffed::Other if claims_pdf || claims_image => Err(refuse("err.attach_fake")),
        Sniffed::Other => Err(refuse("err.attach_type")),
    }
}

/// A PDF is kept as sent, unless it can act: scripts, launch actions and embedded files are
/// what a hostile PDF uses, and no complaint needs them.
fn pdf(bytes: &[u8], name: String) -> Result<Processed, FieldError> {
    let active = [
        b"/JavaScript".as_slice(),
        b"/JS",
        b"/Launch",
        b"/EmbeddedFile",
        b"/OpenAction",
    ];
    if active
        .iter()
        .any(|needle| bytes.windows(needle.len()).any(|w| w == *needle))
    {
        return Err(refuse("err.attach_active_pdf"));
    }
    if !bytes.windows(5).rev().take(1024).any(|w| w == b"%%EOF") {
        return Err(refuse("err.attach_broken"));
    }
    let name = if name.to_ascii_lowercase().ends_with(".pdf") {
        name
    } else {
        format!("{name}.pdf")
    };
    Ok(Processed {
        kind: FileKind::Pdf,
        name,
        file: bytes.to_vec(),
        thumb: None,
    })
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, FieldError> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| refuse("err.attach_broken"))
}

/// Decodes a photo (its size read from its header first: a decompression bomb is refused
/// before a pixel is decoded), turns it upright, and encodes it and its thumbnail anew.
fn photo(bytes: &[u8], name: String) -> Result<Processed, FieldError> {
    let (w, h) = reader(bytes)?
        .into_dimensions()
        .map_err(|_| refuse("err.attach_broken"))?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(refuse("err.attach_pixels"));
    }
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    let mut reader = reader(bytes)?;
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|_| refuse("err.attach_broken"))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| refuse("err.attach_broken"))?;
    img.apply_orientation(orientation);
    let img = if img.width().max(img.height()) > PHOTO_SIDE {
        img.resize(PHOTO_SIDE, PHOTO_SIDE, FilterType::CatmullRom)
    } else {
        img
    };
    let thumb = img.resize(THUMB_SIDE, THUMB_SIDE, FilterType::Triangle);
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&name);
    Ok(Processed {
        kind: FileKind::Photo,
        name: format!("{stem}.jpg"),
        file: jpeg(&img, 82)?,
        thumb: Some(jpeg(&thumb, 70)?),
    })
}

/// JPEG of the pixels alone: the encoder writes no metadata.
fn jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, FieldError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&img.to_rgb8())
        .map_err(|_| refuse("err.attach_broken"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming(name: &str, content_type: &str, bytes: Vec<u8>) -> Incoming {
        Incoming {
            name: name.into(),
            content_type: content_type.into(),
            bytes,
        }
    }

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::new_rgb8(w, h);
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .expect("png");
        out.into_inner()
    }

    /// CRC-32 as PNG chunks carry it.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn key(r: Result<Processed, FieldError>) -> String {
        r.map(|p| p.kind.code().to_owned())
            .unwrap_or_else(|e| e.key)
    }

    #[test]
    fn a_photo_is_reencoded_smaller_with_a_thumbnail() {
        let p = process(&incoming("IMG 1.png", "image/png", png(3000, 1000))).expect("photo");
        assert_eq!((p.kind, p.name.as_str()), (FileKind::Photo, "IMG 1.jpg"));
        let stored = image::load_from_memory(&p.file).expect("jpeg");
        assert_eq!((stored.width(), stored.height()), (2048, 683));
        let thumb = image::load_from_memory(&p.thumb.expect("thumb")).expect("jpeg");
        assert_eq!(thumb.width(), 320);
        assert!(p.file.starts_with(&[0xFF, 0xD8, 0xFF]));
    }

    #[test]
    fn files_that_are_not_what_they_claim_are_refused() {
        let exe = b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode".to_vec();
        assert_eq!(
            key(process(&incoming(
                "surat.pdf",
                "application/pdf",
                exe.clone()
            ))),
            "err.attach_fake"
        );
        assert_eq!(
            key(process(&incoming("foto.jpg", "image/jpeg", exe.clone()))),
            "err.attach_fake"
        );
        assert_eq!(
            key(process(&incoming(
                "setup.exe",
                "application/octet-stream",
                exe
            ))),
            "err.attach_type"
        );
        assert_eq!(
            key(process(&incoming(
                "foto.pdf",
                "application/pdf",
                png(10, 10)
            ))),
            "err.attach_fake"
        );
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
        assert_eq!(
            key(process(&incoming("IMG.HEIC", "image/heic", heic))),
            "err.attach_heic"
        );
        let mut damaged = png(10, 10);
        damaged.truncate(30);
        assert_eq!(
            key(process(&incoming("rusak.png", "image/png", damaged))),
            "err.attach_broken"
        );
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_decoded() {
        // A small PNG whose header claims 10,000 × 10,000 pixels (300 MB decoded): its size
        // is read, nothing decoded.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&10_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&10_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            key(process(&incoming("bom.png", "image/png", bomb))),
            "err.attach_pixels"
        );
        let big = vec![0u8; MAX_FILE_BYTES + 1];
        assert_eq!(
            key(process(&incoming("besar.jpg", "image/jpeg", big))),
            "err.attach_too_big"
        );
    }

    #[test]
    fn a_pdf_is_kept_unless_it_can_act() {
        let pdf =
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
                .to_vec();
        let p = process(&incoming("surat", "", pdf.clone())).expect("pdf");
        assert_eq!(
            (p.kind, p.name.as_str(), p.file),
            (FileKind::Pdf, "surat.pdf", pdf)
        );
        let script =
            b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF"
                .to_vec();
        assert_eq!(
            key(process(&incoming("surat.pdf", "application/pdf", script))),
            "err.attach_active_pdf"
        );
    }
}
