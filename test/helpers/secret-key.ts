/**
 * One key sealing merchant secrets for a test process and every esipay child it starts: the
 * fallback key file lives in ESIPAY_HOME, and the helpers give each child a home of its own, so
 * a database an in-process store wrote would not open in a `serve` child with another home.
 * Importing this module sets ESIPAY_SECRET_KEY (unless the environment already has one); `npm test`
 * imports it first (--import), and the helpers that start children pass it on (secretKeyEnv). Tests
 * of the key file itself take it away.
 */
export const TEST_SECRET_KEY = (process.env.ESIPAY_SECRET_KEY ||= '5e'.repeat(32));

/** What a child's environment needs beside its ESIPAY_HOME to open the databases of this test process. */
export const secretKeyEnv = (): { ESIPAY_SECRET_KEY: string } => ({ ESIPAY_SECRET_KEY: TEST_SECRET_KEY });
