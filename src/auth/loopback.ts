/** True for 127.0.0.0/8 and ::1 (also IPv4-mapped): where `loopback_users` may log in from. */
export function isLoopback(addr: string | undefined): boolean {
  if (addr === undefined) return false;
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}
