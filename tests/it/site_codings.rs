//! The test site's body codings: gzip, brotli and deflate of a whole body, and a gzip
//! bomb built without compressing what it expands to.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gzip to memory");
    e.finish().expect("gzip to memory")
}

pub fn brotli(data: &[u8]) -> Vec<u8> {
    let mut e = brotli::CompressorWriter::new(Vec::new(), 4096, 5, 22);
    e.write_all(data).expect("brotli to memory");
    e.into_inner()
}

/// zlib-wrapped deflate: HTTP's `deflate` coding (RFC 9110, 8.4.1.2).
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("deflate to memory");
    e.finish().expect("deflate to memory")
}

/// Gzip of `size` zero bytes without compressing `size` bytes: a full flush resets the
/// deflate state, so every 1 MiB of zeros compresses to the same block, repeated.
pub fn gzip_bomb(size: u64) -> Arc<[u8]> {
    static CACHE: OnceLock<Mutex<HashMap<u64, Arc<[u8]>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(b) = cache.lock().unwrap().get(&size) {
        return b.clone();
    }
    use flate2::{Compress, Compression, FlushCompress};
    const CHUNK: u64 = 1 << 20;
    let zeros = vec![0u8; CHUNK as usize];
    let deflate = |len: usize, flush: FlushCompress| {
        let mut c = Compress::new(Compression::best(), false);
        let mut out = Vec::with_capacity(len / 256 + 1024);
        loop {
            let done = c.total_in() as usize;
            c.compress_vec(&zeros[done..len], &mut out, flush)
                .expect("deflate");
            if c.total_in() as usize == len && out.len() < out.capacity() {
                return out;
            }
            out.reserve(out.capacity());
        }
    };
    let whole = deflate(CHUNK as usize, FlushCompress::Full);
    let rest = (size % CHUNK) as usize;
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut crc = flate2::Crc::new();
    for _ in 0..size / CHUNK {
        out.extend_from_slice(&whole);
        crc.update(&zeros);
    }
    out.extend(deflate(rest, FlushCompress::Full));
    crc.update(&zeros[..rest]);
    out.extend(deflate(0, FlushCompress::Finish));
    out.extend(crc.sum().to_le_bytes());
    out.extend((size as u32).to_le_bytes());
    let bomb: Arc<[u8]> = out.into();
    cache.lock().unwrap().insert(size, bomb.clone());
    bomb
}
