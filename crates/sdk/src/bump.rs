//! [`BumpAllocator`]: a global allocator for contracts that never frees.
//!
//! Every call runs in a fresh instance with a fresh memory, so memory need only last one call:
//! the allocator hands out memory upwards from the linker's `__heap_base` and grows the
//! memory (`memory.grow`) when it runs out. Freeing the most recent allocation, or growing it
//! in place, is supported because it is free; everything else is leaked until the call ends.
//!
//! ```ignore
//! gasket_sdk::global_allocator!(); // #[global_allocator] static ALLOC: BumpAllocator
//! ```
//!
//! Defining the type costs nothing: it is linked in only where a contract installs it.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;

/// Wasm page size.
pub const PAGE: usize = 65536;

/// A bump allocator over the contract's linear memory. Only allocates on wasm32; elsewhere
/// every allocation fails (returns null).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub struct BumpAllocator {
    /// Next free byte; 0 until the first allocation sets it to `__heap_base`.
    next: Cell<usize>,
    /// End of the memory as this allocator last saw it.
    end: Cell<usize>,
}

// SAFETY: contracts are single-threaded (wasm32 without threads), and off wasm32 the cells
// are never touched.
unsafe impl Sync for BumpAllocator {}

impl BumpAllocator {
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self { next: Cell::new(0), end: Cell::new(0) }
    }
}

/// Where an allocation of `size` bytes aligned to `align` (a power of two) goes when the free
/// space starts at `next` and memory ends at `end`: `(start, new next, pages to grow)`, or
/// `None` if the address space (32 bits on wasm32, `usize` here) cannot hold it.
pub fn plan(next: usize, end: usize, size: usize, align: usize) -> Option<(usize, usize, usize)> {
    let start = next.checked_add(align - 1)? & !(align - 1);
    let new_next = start.checked_add(size)?;
    let pages = if new_next > end { (new_next - end).div_ceil(PAGE) } else { 0 };
    Some((start, new_next, pages))
}

#[cfg(target_arch = "wasm32")]
impl BumpAllocator {
    fn init(&self) {
        if self.next.get() == 0 {
            extern "C" {
                // Defined by wasm-ld: the first byte after the stack and static data.
                static __heap_base: u8;
            }
            let base = &raw const __heap_base as usize;
            self.next.set(base);
            self.end.set(core::arch::wasm32::memory_size(0) * PAGE);
        }
    }

    fn bump(&self, size: usize, align: usize, from: usize) -> *mut u8 {
        let Some((start, new_next, pages)) = plan(from, self.end.get(), size, align) else {
            return core::ptr::null_mut();
        };
        if pages > 0 {
            if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                return core::ptr::null_mut();
            }
            self.end.set(self.end.get() + pages * PAGE);
        }
        self.next.set(new_next);
        start as *mut u8
    }
}

#[cfg(target_arch = "wasm32")]
// SAFETY: `alloc` returns either null or a block of at least `layout.size()` bytes aligned to
// `layout.align()` that no other live allocation overlaps (the bump pointer only moves up).
unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.init();
        self.bump(layout.size(), layout.align(), self.next.get())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // Only the most recent allocation can be given back.
        if ptr as usize + layout.size() == self.next.get() {
            self.next.set(ptr as usize);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ptr as usize + layout.size() == self.next.get() {
            // The most recent allocation grows or shrinks in place.
            return self.bump(new_size, layout.align(), ptr as usize);
        }
        // SAFETY: `layout.align()` is a valid alignment (it came from a `Layout`), and the
        // caller guarantees that `new_size`, rounded up to it, does not overflow `isize`.
        let new = unsafe { self.alloc(Layout::from_size_align_unchecked(new_size, layout.align())) };
        if !new.is_null() {
            // SAFETY: `ptr` holds `layout.size()` bytes, `new` at least `new_size`, and the new
            // block lies above the old one (the bump pointer only moves up), so they are apart.
            unsafe { core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
        }
        new
    }
}

#[cfg(not(target_arch = "wasm32"))]
// SAFETY: off wasm32 every allocation fails (null), which `GlobalAlloc` permits.
unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, _layout: Layout) -> *mut u8 {
        core::ptr::null_mut()
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_and_bumps() {
        assert_eq!(plan(1000, 2 * PAGE, 10, 1), Some((1000, 1010, 0)));
        assert_eq!(plan(1001, 2 * PAGE, 10, 8), Some((1008, 1018, 0)));
        assert_eq!(plan(1008, 2 * PAGE, 0, 8), Some((1008, 1008, 0)));
        assert_eq!(plan(1009, 2 * PAGE, 4, 16), Some((1024, 1028, 0)));
    }

    #[test]
    fn grows_by_whole_pages() {
        // Exactly fills the memory: no growth.
        assert_eq!(plan(PAGE - 10, PAGE, 10, 1), Some((PAGE - 10, PAGE, 0)));
        // One byte over: one page.
        assert_eq!(plan(PAGE - 10, PAGE, 11, 1), Some((PAGE - 10, PAGE + 1, 1)));
        // Large allocation: rounded up.
        assert_eq!(plan(PAGE, PAGE, 3 * PAGE + 1, 1), Some((PAGE, 4 * PAGE + 1, 4)));
    }

    #[test]
    fn overflow_is_none() {
        assert_eq!(plan(usize::MAX - 2, usize::MAX, 1, 8), None);
        assert_eq!(plan(usize::MAX - 2, usize::MAX, 10, 1), None);
    }
}
