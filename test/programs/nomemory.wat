;; A module that exports no memory: WASI requires a "memory" export, so the
;; runtime must refuse it before it runs (wasmvisor: exit status 78 and a
;; message naming the missing export). If it ran, it would print "ran" (from a
;; memory of its own that it does not export) and exit 0.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "ran\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 4))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
