;; The pre-snapshot `wasi_unstable` ABI (what old toolchains emit). It differs
;; from wasi_snapshot_preview1 in two places this program checks:
;;  - fd_seek whence values: CUR=0, END=1, SET=2 (preview1: SET=0, CUR=1, END=2);
;;  - filestat is 56 bytes: dev u64@0, ino u64@8, filetype u8@16, nlink u32@20,
;;    size u64@24, atim@32, mtim@40, ctim@48 (preview1: 64 bytes, nlink u64@24,
;;    size u64@32).
;; Creates /sandbox/unstable.txt (preopen at fd 3), checks, deletes it.
(module
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_unstable" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)

  ;; 0: print iovec, 8: nwritten, 16: out values, 32..64 number scratch,
  ;; 96: io iovec, 112: result fd, 128..: read buffer, 512..600: filestat.
  (data (i32.const 1024) ": ok")                         ;; 4
  (data (i32.const 1032) ": errno ")                     ;; 8
  (data (i32.const 1044) "\n")                           ;; 1
  (data (i32.const 1048) " ")                            ;; 1
  (data (i32.const 1056) "unstable.txt")                 ;; 12
  (data (i32.const 1072) "hello world\n")                ;; 12
  (data (i32.const 1088) "fd_prestat_get 3 name_len")    ;; 25
  (data (i32.const 1120) "path_open create")             ;; 16
  (data (i32.const 1140) "fd_write")                     ;; 8
  (data (i32.const 1152) "fd_seek whence=1 (END) 0")     ;; 24
  (data (i32.const 1184) "fd_seek whence=2 (SET) 6")     ;; 24
  (data (i32.const 1216) "fd_seek whence=0 (CUR) +1")    ;; 25
  (data (i32.const 1248) "fd_read 4 bytes")              ;; 15
  (data (i32.const 1264) "fd_filestat_get")              ;; 15
  (data (i32.const 1280) "path_filestat_get")            ;; 17
  (data (i32.const 1300) "filetype")                     ;; 8
  (data (i32.const 1312) "nlink")                        ;; 5
  (data (i32.const 1320) "size")                         ;; 4
  (data (i32.const 1328) "wrote only 56 bytes")          ;; 19
  (data (i32.const 1348) "fd_close")                     ;; 8
  (data (i32.const 1360) "path_unlink_file")             ;; 16
  (data (i32.const 1380) "done\n")                       ;; 5
  (data (i32.const 1388) "yes")                          ;; 3
  (data (i32.const 1392) "no")                           ;; 2
  (data (i32.const 1396) "[")                            ;; 1
  (data (i32.const 1400) "]")                            ;; 1

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $sp (call $print (i32.const 1048) (i32.const 1)))
  (func $nl (call $print (i32.const 1044) (i32.const 1)))
  (func $print_num (param $n i64)
    (local $p i32)
    (local.set $p (i32.const 64))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
      (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $n) (i64.const 0))))
    (call $print (local.get $p) (i32.sub (i32.const 64) (local.get $p))))
  ;; "LABEL: ok" or "LABEL: errno N" (no newline); returns errno.
  (func $status (param $label i32) (param $len i32) (param $errno i32) (result i32)
    (call $print (local.get $label) (local.get $len))
    (if (local.get $errno)
      (then
        (call $print (i32.const 1032) (i32.const 8))
        (call $print_num (i64.extend_i32_u (local.get $errno))))
      (else (call $print (i32.const 1024) (i32.const 4))))
    (local.get $errno))
  ;; " NAME VALUE"
  (func $field (param $name i32) (param $len i32) (param $v i64)
    (call $sp)
    (call $print (local.get $name) (local.get $len))
    (call $sp)
    (call $print_num (local.get $v)))
  ;; Print filetype, nlink, size from a 56-byte filestat at 512, and whether
  ;; bytes 568..576 (past the struct) were left alone.
  (func $print_filestat
    (call $field (i32.const 1300) (i32.const 8) (i64.load8_u (i32.const 528)))
    (call $field (i32.const 1312) (i32.const 5) (i64.load32_u (i32.const 532)))
    (call $field (i32.const 1320) (i32.const 4) (i64.load (i32.const 536)))
    (call $nl)
    (call $print (i32.const 1328) (i32.const 19))
    (call $sp)
    (if (i64.eq (i64.load (i32.const 568)) (i64.const 0xAAAAAAAAAAAAAAAA))
      (then (call $print (i32.const 1388) (i32.const 3)))
      (else (call $print (i32.const 1392) (i32.const 2))))
    (call $nl))
  (func $fill_filestat
    (memory.fill (i32.const 512) (i32.const 0xAA) (i32.const 88)))

  (func (export "_start")
    (local $fd i32)
    ;; Preopen at fd 3: prestat { tag u8, name_len u32 @4 }.
    (if (i32.eqz (call $status (i32.const 1088) (i32.const 25)
                   (call $fd_prestat_get (i32.const 3) (i32.const 16))))
      (then (call $sp) (call $print_num (i64.load32_u (i32.const 20)))))
    (call $nl)
    ;; path_open(3, 0, "unstable.txt", CREAT|TRUNC, rights, 0, 0, &fd)
    (drop (call $status (i32.const 1120) (i32.const 16)
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 1056) (i32.const 12)
        (i32.const 9) (i64.const 0x200066) (i64.const 0) (i32.const 0) (i32.const 112))))
    (call $nl)
    (local.set $fd (i32.load (i32.const 112)))
    ;; write "hello world\n"
    (i32.store (i32.const 96) (i32.const 1072))
    (i32.store (i32.const 100) (i32.const 12))
    (if (i32.eqz (call $status (i32.const 1140) (i32.const 8)
                   (call $fd_write (local.get $fd) (i32.const 96) (i32.const 1) (i32.const 16))))
      (then (call $sp) (call $print_num (i64.load32_u (i32.const 16)))))
    (call $nl)
    ;; seek END+0 (whence 1) -> 12
    (if (i32.eqz (call $status (i32.const 1152) (i32.const 24)
                   (call $fd_seek (local.get $fd) (i64.const 0) (i32.const 1) (i32.const 16))))
      (then (call $sp) (call $print_num (i64.load (i32.const 16)))))
    (call $nl)
    ;; seek SET 6 (whence 2) -> 6
    (if (i32.eqz (call $status (i32.const 1184) (i32.const 24)
                   (call $fd_seek (local.get $fd) (i64.const 6) (i32.const 2) (i32.const 16))))
      (then (call $sp) (call $print_num (i64.load (i32.const 16)))))
    (call $nl)
    ;; seek CUR +1 (whence 0) -> 7
    (if (i32.eqz (call $status (i32.const 1216) (i32.const 25)
                   (call $fd_seek (local.get $fd) (i64.const 1) (i32.const 0) (i32.const 16))))
      (then (call $sp) (call $print_num (i64.load (i32.const 16)))))
    (call $nl)
    ;; read 4 bytes at 7 -> "orld"
    (i32.store (i32.const 96) (i32.const 128))
    (i32.store (i32.const 100) (i32.const 4))
    (if (i32.eqz (call $status (i32.const 1248) (i32.const 15)
                   (call $fd_read (local.get $fd) (i32.const 96) (i32.const 1) (i32.const 16))))
      (then
        (call $sp)
        (call $print (i32.const 1396) (i32.const 1))
        (call $print (i32.const 128) (i32.load (i32.const 16)))
        (call $print (i32.const 1400) (i32.const 1))))
    (call $nl)
    ;; fd_filestat_get into the 56-byte layout
    (call $fill_filestat)
    (if (i32.eqz (call $status (i32.const 1264) (i32.const 15)
                   (call $fd_filestat_get (local.get $fd) (i32.const 512))))
      (then (call $print_filestat))
      (else (call $nl)))
    (drop (call $status (i32.const 1348) (i32.const 8) (call $fd_close (local.get $fd))))
    (call $nl)
    ;; path_filestat_get (no symlink following)
    (call $fill_filestat)
    (if (i32.eqz (call $status (i32.const 1280) (i32.const 17)
                   (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 1056) (i32.const 12)
                     (i32.const 512))))
      (then (call $print_filestat))
      (else (call $nl)))
    (drop (call $status (i32.const 1360) (i32.const 16)
      (call $path_unlink_file (i32.const 3) (i32.const 1056) (i32.const 12))))
    (call $nl)
    (call $print (i32.const 1380) (i32.const 5))
    (call $proc_exit (i32.const 0))))
