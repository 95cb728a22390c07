// The wasi_snapshot_preview1 function signatures: name, parameter names and which parameters
// are 64-bit. The syscall tables (dispatch.ts) describe their imports to the platform from it,
// strace decodes arguments with it, and `wasmvisor syscalls` lists it. Pure data.

/** Parameter kinds: i32 values, i64 values, and i32s that are guest pointers / lengths. */
export type ParamKind = 'i32' | 'i64' | 'ptr' | 'len' | 'fd' | 'u8' | 'u16' | 'flags';

export interface Signature {
  readonly name: string;
  readonly params: readonly (readonly [string, ParamKind])[];
}

const S = (name: string, ...params: [string, ParamKind][]): Signature => ({ name, params });

/** All 46 preview1 functions, in the spec's order. The index is the syscall number. */
export const SIGNATURES: readonly Signature[] = [
  S('args_get', ['argv', 'ptr'], ['argv_buf', 'ptr']),
  S('args_sizes_get', ['argc', 'ptr'], ['argv_buf_size', 'ptr']),
  S('environ_get', ['environ', 'ptr'], ['environ_buf', 'ptr']),
  S('environ_sizes_get', ['environc', 'ptr'], ['environ_buf_size', 'ptr']),
  S('clock_res_get', ['id', 'i32'], ['resolution', 'ptr']),
  S('clock_time_get', ['id', 'i32'], ['precision', 'i64'], ['time', 'ptr']),
  S('fd_advise', ['fd', 'fd'], ['offset', 'i64'], ['len', 'i64'], ['advice', 'u8']),
  S('fd_allocate', ['fd', 'fd'], ['offset', 'i64'], ['len', 'i64']),
  S('fd_close', ['fd', 'fd']),
  S('fd_datasync', ['fd', 'fd']),
  S('fd_fdstat_get', ['fd', 'fd'], ['stat', 'ptr']),
  S('fd_fdstat_set_flags', ['fd', 'fd'], ['flags', 'u16']),
  S('fd_fdstat_set_rights', ['fd', 'fd'], ['fs_rights_base', 'i64'], ['fs_rights_inheriting', 'i64']),
  S('fd_filestat_get', ['fd', 'fd'], ['buf', 'ptr']),
  S('fd_filestat_set_size', ['fd', 'fd'], ['size', 'i64']),
  S('fd_filestat_set_times', ['fd', 'fd'], ['atim', 'i64'], ['mtim', 'i64'], ['fst_flags', 'u16']),
  S('fd_pread', ['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'len'], ['offset', 'i64'], ['nread', 'ptr']),
  S('fd_prestat_get', ['fd', 'fd'], ['buf', 'ptr']),
  S('fd_prestat_dir_name', ['fd', 'fd'], ['path', 'ptr'], ['path_len', 'len']),
  S('fd_pwrite', ['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'len'], ['offset', 'i64'], ['nwritten', 'ptr']),
  S('fd_read', ['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'len'], ['nread', 'ptr']),
  S('fd_readdir', ['fd', 'fd'], ['buf', 'ptr'], ['buf_len', 'len'], ['cookie', 'i64'], ['bufused', 'ptr']),
  S('fd_renumber', ['fd', 'fd'], ['to', 'fd']),
  S('fd_seek', ['fd', 'fd'], ['offset', 'i64'], ['whence', 'u8'], ['newoffset', 'ptr']),
  S('fd_sync', ['fd', 'fd']),
  S('fd_tell', ['fd', 'fd'], ['offset', 'ptr']),
  S('fd_write', ['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'len'], ['nwritten', 'ptr']),
  S('path_create_directory', ['fd', 'fd'], ['path', 'ptr'], ['path_len', 'len']),
  S('path_filestat_get', ['fd', 'fd'], ['flags', 'flags'], ['path', 'ptr'], ['path_len', 'len'], ['buf', 'ptr']),
  S('path_filestat_set_times', ['fd', 'fd'], ['flags', 'flags'], ['path', 'ptr'], ['path_len', 'len'], ['atim', 'i64'], ['mtim', 'i64'], ['fst_flags', 'u16']),
  S('path_link', ['old_fd', 'fd'], ['old_flags', 'flags'], ['old_path', 'ptr'], ['old_path_len', 'len'], ['new_fd', 'fd'], ['new_path', 'ptr'], ['new_path_len', 'len']),
  S('path_open', ['fd', 'fd'], ['dirflags', 'flags'], ['path', 'ptr'], ['path_len', 'len'], ['oflags', 'u16'], ['fs_rights_base', 'i64'], ['fs_rights_inheriting', 'i64'], ['fdflags', 'u16'], ['opened_fd', 'ptr']),
  S('path_readlink', ['fd', 'fd'], ['path', 'ptr'], ['path_len', 'len'], ['buf', 'ptr'], ['buf_len', 'len'], ['bufused', 'ptr']),
  S('path_remove_directory', ['fd', 'fd'], ['path', 'ptr'], ['path_len', 'len']),
  S('path_rename', ['fd', 'fd'], ['old_path', 'ptr'], ['old_path_len', 'len'], ['new_fd', 'fd'], ['new_path', 'ptr'], ['new_path_len', 'len']),
  S('path_symlink', ['old_path', 'ptr'], ['old_path_len', 'len'], ['fd', 'fd'], ['new_path', 'ptr'], ['new_path_len', 'len']),
  S('path_unlink_file', ['fd', 'fd'], ['path', 'ptr'], ['path_len', 'len']),
  S('poll_oneoff', ['in', 'ptr'], ['out', 'ptr'], ['nsubscriptions', 'len'], ['nevents', 'ptr']),
  S('proc_exit', ['rval', 'i32']),
  S('proc_raise', ['sig', 'u8']),
  S('sched_yield'),
  S('random_get', ['buf', 'ptr'], ['buf_len', 'len']),
  S('sock_accept', ['fd', 'fd'], ['flags', 'u16'], ['result_fd', 'ptr']),
  S('sock_recv', ['fd', 'fd'], ['ri_data', 'ptr'], ['ri_data_len', 'len'], ['ri_flags', 'u16'], ['ro_datalen', 'ptr'], ['ro_flags', 'ptr']),
  S('sock_send', ['fd', 'fd'], ['si_data', 'ptr'], ['si_data_len', 'len'], ['si_flags', 'u16'], ['so_datalen', 'ptr']),
  S('sock_shutdown', ['fd', 'fd'], ['how', 'u8']),
];


/**
 * The older `wasi_unstable` module: same functions but sock_accept, same parameter lists; it is
 * a table of its own (dispatch.ts), so the kernel knows which layouts and whence values to use.
 */
export const UNSTABLE_NAMES: readonly string[] = SIGNATURES.map((s) => s.name).filter((n) => n !== 'sock_accept');

/** Calls answered inside the process worker (no kernel state), like Linux's vDSO. */
export const VDSO_CALLS: ReadonlySet<string> = new Set([
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get', 'clock_time_get',
  'random_get', 'sched_yield',
]);
