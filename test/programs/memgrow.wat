;; memory.grow during the run: a runtime must see the grown memory in later
;; calls. Writes a line, grows memory by 1 page, copies a line into the new
;; page and writes it from there, then grows again and writes once more.
;; (node:wasi on Node 20 caches the old memory and crashes or drops output:
;; nodejs/node#51303.)
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "before grow\n")   ;; 12
  (data (i32.const 96) "after grow\n")    ;; 11
  (data (i32.const 128) "grew again\n")   ;; 11
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (call $write (i32.const 64) (i32.const 12))
    (drop (memory.grow (i32.const 1)))
    (memory.copy (i32.const 65600) (i32.const 96) (i32.const 11))
    (call $write (i32.const 65600) (i32.const 11))
    (drop (memory.grow (i32.const 16)))
    (memory.copy (i32.const 1048000) (i32.const 128) (i32.const 11))
    (call $write (i32.const 1048000) (i32.const 11))))
