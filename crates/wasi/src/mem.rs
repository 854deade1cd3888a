//! Checked access to guest memory for the WASI functions: every pointer and length is checked
//! against the memory's current size before use, and a range that does not fit (including
//! one whose end overflows 32 bits) is `EFAULT`, never a panic. Little-endian, unaligned
//! access allowed (the WASI ABI does not require alignment; see docs/wasi.md).

use crate::abi::{errno, size, Errno};

/// A guest's linear memory during one WASI call.
pub struct Mem<'a> {
    bytes: &'a mut [u8],
}

/// One `iovec`/`ciovec`: a buffer in guest memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IoVec {
    pub ptr: u32,
    pub len: u32,
}

impl<'a> Mem<'a> {
    pub fn new(bytes: &'a mut [u8]) -> Self {
        Self { bytes }
    }

    fn range(&self, ptr: u32, len: u32) -> Result<std::ops::Range<usize>, Errno> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(errno::FAULT)?;
        if end > self.bytes.len() || end > u32::MAX as usize + 1 {
            return Err(errno::FAULT);
        }
        Ok(start..end)
    }

    /// Checks that `len` bytes at `ptr` are inside memory.
    pub fn check(&self, ptr: u32, len: u32) -> Result<(), Errno> {
        self.range(ptr, len).map(|_| ())
    }

    pub fn slice(&self, ptr: u32, len: u32) -> Result<&[u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&self.bytes[r])
    }

    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.bytes[r])
    }

    pub fn write(&mut self, ptr: u32, data: &[u8]) -> Result<(), Errno> {
        let len = u32::try_from(data.len()).map_err(|_| errno::FAULT)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }

    pub fn read_u16(&self, ptr: u32) -> Result<u16, Errno> {
        Ok(u16::from_le_bytes(self.slice(ptr, 2)?.try_into().expect("2 bytes")))
    }

    pub fn read_u32(&self, ptr: u32) -> Result<u32, Errno> {
        Ok(u32::from_le_bytes(self.slice(ptr, 4)?.try_into().expect("4 bytes")))
    }

    pub fn read_u64(&self, ptr: u32) -> Result<u64, Errno> {
        Ok(u64::from_le_bytes(self.slice(ptr, 8)?.try_into().expect("8 bytes")))
    }

    pub fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    pub fn write_u64(&mut self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// The `count` iovecs of the array at `ptr`; each buffer is checked too, so a caller may
    /// copy into or out of all of them without a further error.
    pub fn iovecs(&self, ptr: u32, count: u32) -> Result<Vec<IoVec>, Errno> {
        let bytes = count.checked_mul(size::IOVEC).ok_or(errno::FAULT)?;
        self.check(ptr, bytes)?;
        (0..count)
            .map(|i| {
                let at = ptr + i * size::IOVEC;
                let v = IoVec { ptr: self.read_u32(at)?, len: self.read_u32(at + 4)? };
                self.check(v.ptr, v.len)?;
                Ok(v)
            })
            .collect()
    }

    /// The bytes of all `iovs`, concatenated (for writes).
    pub fn gather(&self, iovs: &[IoVec]) -> Result<Vec<u8>, Errno> {
        let mut out = Vec::with_capacity(iovs.iter().map(|v| v.len as usize).sum());
        for v in iovs {
            out.extend_from_slice(self.slice(v.ptr, v.len)?);
        }
        Ok(out)
    }

    /// Copies `data` into `iovs` in order, as far as they reach; returns the bytes copied.
    pub fn scatter(&mut self, iovs: &[IoVec], mut data: &[u8]) -> Result<usize, Errno> {
        let mut total = 0;
        for v in iovs {
            if data.is_empty() {
                break;
            }
            let n = data.len().min(v.len as usize);
            self.write(v.ptr, &data[..n])?;
            data = &data[n..];
            total += n;
        }
        Ok(total)
    }

    /// A path argument: `len` bytes at `ptr`, which must be UTF-8 (`EILSEQ` otherwise is
    /// what the spec allows; gasket answers `EINVAL`, as wasmtime does).
    pub fn string(&self, ptr: u32, len: u32) -> Result<String, Errno> {
        String::from_utf8(self.slice(ptr, len)?.to_vec()).map_err(|_| errno::INVAL)
    }
}

/// The total length of `iovs`, saturating.
pub fn total_len(iovs: &[IoVec]) -> u64 {
    iovs.iter().map(|v| v.len as u64).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_bounds_and_overflowing_ranges_are_efault() {
        let mut bytes = vec![0u8; 16];
        let mut m = Mem::new(&mut bytes);
        assert_eq!(m.check(0, 16), Ok(()));
        assert_eq!(m.check(16, 0), Ok(()));
        assert_eq!(m.check(17, 0), Err(errno::FAULT));
        assert_eq!(m.check(1, 16), Err(errno::FAULT));
        assert_eq!(m.check(u32::MAX, 2), Err(errno::FAULT));
        assert_eq!(m.read_u64(9), Err(errno::FAULT));
        assert_eq!(m.write_u32(13, 1), Err(errno::FAULT));
        assert_eq!(m.iovecs(0, u32::MAX), Err(errno::FAULT));
        m.write_u32(0, 12).unwrap();
        m.write_u32(4, 8).unwrap(); // buffer 12..20: past the end
        assert_eq!(m.iovecs(0, 1), Err(errno::FAULT));
        m.write_u32(4, 4).unwrap();
        assert_eq!(m.iovecs(0, 1), Ok(vec![IoVec { ptr: 12, len: 4 }]));
    }

    #[test]
    fn scatter_stops_at_the_data_end() {
        let mut bytes = vec![0u8; 16];
        let mut m = Mem::new(&mut bytes);
        let iovs = [IoVec { ptr: 0, len: 2 }, IoVec { ptr: 8, len: 8 }];
        assert_eq!(m.scatter(&iovs, b"abcd"), Ok(4));
        assert_eq!(&bytes[..2], b"ab");
        assert_eq!(&bytes[8..10], b"cd");
    }
}
