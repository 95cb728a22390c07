// The kernel's file types (the S_IFMT kinds of Linux, numbered like its d_type values), and the
// seek origins and status flags of an open file description. Every file system and description
// speaks these; an ABI converts them to its own numbers at its border (syscalls/wasi/abi.ts).

export const enum FileType {
  UNKNOWN = 0,
  FIFO = 1,
  CHARACTER_DEVICE = 2,
  DIRECTORY = 4,
  BLOCK_DEVICE = 6,
  REGULAR_FILE = 8,
  SYMBOLIC_LINK = 10,
  SOCKET_STREAM = 12,
  SOCKET_DGRAM = 13,
}

/** Where a seek offset counts from (Linux's SEEK_SET, SEEK_CUR, SEEK_END). */
export const enum Whence {
  SET = 0,
  CUR = 1,
  END = 2,
}

/** A description's status flags (Linux's O_APPEND, O_NONBLOCK, O_DSYNC, O_RSYNC, O_SYNC). */
export const enum StatusFlags {
  APPEND = 1 << 0,
  NONBLOCK = 1 << 1,
  DSYNC = 1 << 2,
  RSYNC = 1 << 3,
  SYNC = 1 << 4,
}
