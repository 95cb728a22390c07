;; Out-of-range pointers: every call below passes a pointer (or a buffer,
;; or an iovec) that lies wholly or partly outside the 1-page (64 KiB)
;; memory. The runtime must return EFAULT (21) — not trap, not crash — and
;; the program keeps going. Prints "LABEL: errno N" (or "LABEL: ok") per
;; check, then "still running: ok". Needs a preopened directory at fd 3 and
;; an empty stdin.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread" (func $fd_pread (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; 0..16: iovec for printing; 16: nwritten; 32..64: number scratch;
  ;; 128..136: a valid iovec used by the tests; 256..: labels.
  (data (i32.const 256) ": errno ")          ;; 8
  (data (i32.const 272) ": ok\n")            ;; 5
  (data (i32.const 280) "\n")                ;; 1
  (data (i32.const 288) "still running: ok\n") ;; 18
  (data (i32.const 320) "fd_write iovs past end")            ;; 22
  (data (i32.const 352) "fd_write buf past end")             ;; 21
  (data (i32.const 384) "fd_write buf wraps around")         ;; 25
  (data (i32.const 416) "fd_write nwritten past end")        ;; 26
  (data (i32.const 448) "fd_write iovec straddles end")      ;; 28
  (data (i32.const 480) "fd_write iovs array past end")      ;; 28
  (data (i32.const 512) "fd_read iovs past end")             ;; 21
  (data (i32.const 544) "fd_read buf past end")              ;; 20
  (data (i32.const 576) "fd_pread buf past end")             ;; 21
  (data (i32.const 608) "args_sizes_get past end")           ;; 23
  (data (i32.const 640) "args_get past end")                 ;; 17
  (data (i32.const 672) "environ_sizes_get past end")        ;; 26
  (data (i32.const 704) "clock_time_get straddles end")      ;; 28
  (data (i32.const 736) "random_get straddles end")          ;; 24
  (data (i32.const 768) "fd_prestat_dir_name past end")      ;; 28
  (data (i32.const 800) "fd_fdstat_get past end")            ;; 22
  (data (i32.const 832) "fd_filestat_get past end")          ;; 24
  (data (i32.const 864) "fd_readdir buf past end")           ;; 23
  (data (i32.const 896) "path_open path past end")           ;; 23
  (data (i32.const 928) "path_filestat_get buf past end")    ;; 30
  (data (i32.const 960) "poll_oneoff subscriptions past end") ;; 34
  (data (i32.const 1000) "fd_write good after faults")       ;; 26
  (data (i32.const 1040) ".")
  (data (i32.const 1048) "efault.txt")                       ;; 10

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16))))

  ;; Print an unsigned number in decimal.
  (func $print_num (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 64))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (call $print (local.get $p) (i32.sub (i32.const 64) (local.get $p))))

  (func $report (param $label i32) (param $len i32) (param $errno i32)
    (call $print (local.get $label) (local.get $len))
    (if (local.get $errno)
      (then
        (call $print (i32.const 256) (i32.const 8))
        (call $print_num (local.get $errno))
        (call $print (i32.const 280) (i32.const 1)))
      (else
        (call $print (i32.const 272) (i32.const 5)))))

  (func (export "_start")
    ;; fd_write with the iovec array outside memory.
    (call $report (i32.const 320) (i32.const 22)
      (call $fd_write (i32.const 1) (i32.const 0xFFFFFFF0) (i32.const 1) (i32.const 16)))
    ;; fd_write with an iovec whose buffer runs past the end.
    (i32.store (i32.const 128) (i32.const 65530))
    (i32.store (i32.const 132) (i32.const 100))
    (call $report (i32.const 352) (i32.const 21)
      (call $fd_write (i32.const 1) (i32.const 128) (i32.const 1) (i32.const 16)))
    ;; Buffer at 0xFFFFFFFF, length 2: ptr+len wraps around 2^32.
    (i32.store (i32.const 128) (i32.const 0xFFFFFFFF))
    (i32.store (i32.const 132) (i32.const 2))
    (call $report (i32.const 384) (i32.const 25)
      (call $fd_write (i32.const 1) (i32.const 128) (i32.const 1) (i32.const 16)))
    ;; Zero iovecs (nothing to write) but the nwritten pointer is out of range.
    (call $report (i32.const 416) (i32.const 26)
      (call $fd_write (i32.const 1) (i32.const 128) (i32.const 0) (i32.const 0xFFFFFFFF)))
    ;; An 8-byte iovec starting 4 bytes before the end of memory.
    (call $report (i32.const 448) (i32.const 28)
      (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 16)))
    ;; 100 iovecs (800 bytes) starting 536 bytes before the end of memory.
    (call $report (i32.const 480) (i32.const 28)
      (call $fd_write (i32.const 1) (i32.const 65000) (i32.const 100) (i32.const 16)))
    ;; fd_read from stdin (empty) with bad iovecs / buffers.
    (call $report (i32.const 512) (i32.const 21)
      (call $fd_read (i32.const 0) (i32.const 0xFFFFFFF0) (i32.const 1) (i32.const 16)))
    (i32.store (i32.const 128) (i32.const 65530))
    (i32.store (i32.const 132) (i32.const 100))
    (call $report (i32.const 544) (i32.const 20)
      (call $fd_read (i32.const 0) (i32.const 128) (i32.const 1) (i32.const 16)))
    ;; fd_pread from a file: path_open(3, "efault.txt", CREAT, FD_READ|FD_SEEK) -> fd at 24.
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 1048) (i32.const 10) (i32.const 1)
      (i64.const 6) (i64.const 0) (i32.const 0) (i32.const 24)))
    (call $report (i32.const 576) (i32.const 21)
      (call $fd_pread (i32.load (i32.const 24)) (i32.const 128) (i32.const 1) (i64.const 0) (i32.const 16)))
    (drop (call $fd_close (i32.load (i32.const 24))))
    (drop (call $path_unlink_file (i32.const 3) (i32.const 1048) (i32.const 10)))
    ;; Out-parameters outside memory.
    (call $report (i32.const 608) (i32.const 23)
      (call $args_sizes_get (i32.const 0xFFFFFFF0) (i32.const 16)))
    (call $report (i32.const 640) (i32.const 17)
      (call $args_get (i32.const 0xFFFFFFF0) (i32.const 0xFFFFFFF0)))
    (call $report (i32.const 672) (i32.const 26)
      (call $environ_sizes_get (i32.const 16) (i32.const 0xFFFFFFF0)))
    (call $report (i32.const 704) (i32.const 28)
      (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 65532)))
    (call $report (i32.const 736) (i32.const 24)
      (call $random_get (i32.const 65500) (i32.const 100)))
    (call $report (i32.const 768) (i32.const 28)
      (call $fd_prestat_dir_name (i32.const 3) (i32.const 65534) (i32.const 8)))
    (call $report (i32.const 800) (i32.const 22)
      (call $fd_fdstat_get (i32.const 1) (i32.const 65530)))
    (call $report (i32.const 832) (i32.const 24)
      (call $fd_filestat_get (i32.const 3) (i32.const 65500)))
    (call $report (i32.const 864) (i32.const 23)
      (call $fd_readdir (i32.const 3) (i32.const 65530) (i32.const 100) (i64.const 0) (i32.const 16)))
    ;; A path whose bytes run past the end of memory.
    (call $report (i32.const 896) (i32.const 23)
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 65530) (i32.const 10) (i32.const 0)
        (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 16)))
    (call $report (i32.const 928) (i32.const 30)
      (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 1040) (i32.const 1) (i32.const 65500)))
    ;; One 48-byte subscription starting 16 bytes before the end.
    (call $report (i32.const 960) (i32.const 34)
      (call $poll_oneoff (i32.const 65520) (i32.const 2048) (i32.const 1) (i32.const 16)))
    ;; The process is still fine: a normal write works.
    (i32.store (i32.const 128) (i32.const 288))
    (i32.store (i32.const 132) (i32.const 0))
    (call $report (i32.const 1000) (i32.const 26)
      (call $fd_write (i32.const 1) (i32.const 128) (i32.const 1) (i32.const 16)))
    (call $print (i32.const 288) (i32.const 18))))
