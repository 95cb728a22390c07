;; A module that imports fd_write with the wrong signature (an i64 where WASI
;; has i32s, and one parameter short): the runtime must refuse it before it
;; runs (wasmvisor: exit status 69, the message naming the import and both
;; signatures). If it ran, it would exit 0.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i64.const 0) (i32.const 8)))))
