// Whether this run is CI, by the rule every part of the project uses (scripts/ci.sh,
// lantern_store::testing::ci): CI set to anything but empty, 0 or false (any case). Kept free of
// Playwright's `test` so the config, global setup and the reporter can use it.
export function ciIsSet(): boolean {
  const value = (process.env.CI ?? '').replace(/\s/g, '').toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}
