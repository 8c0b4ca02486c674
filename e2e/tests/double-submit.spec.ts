// A hurried receptionist double-clicks "Log episode", or the same form is sent again: one episode.
// The form carries a one-time key; the server answers every copy with the episode the first stored.
import { authFile, episodeTotal, expect, fillValidEpisode, PRACTICE, test } from './helpers';

test.describe('as reception@demo', () => {
  test.use({ storageState: authFile('reception') });

  test('double-clicking "Log episode" logs one episode, and a replayed copy of the form adds none', async ({
    page,
  }) => {
    const request = page.request;
    const before = await episodeTotal(request, PRACTICE);
    await page.goto(`/log?practice=${PRACTICE}`);
    await fillValidEpisode(page, 'Showed how to order repeat prescriptions');

    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/log') posts.push(r.postData() ?? '');
    });
    const landed = page.waitForURL(/[?&]logged=/);
    await page.getByRole('button', { name: 'Log episode' }).dblclick();
    await landed;
    await page.waitForLoadState('load');
    expect(posts.length, 'the browser sent the form at least once').toBeGreaterThanOrEqual(1);
    test.info().annotations.push({ type: 'posts sent by the double click', description: String(posts.length) });
    expect(await episodeTotal(request, PRACTICE)).toBe(before + 1);

    // Send exactly what the browser sent, again, as a second submission of the same form would.
    const key = new URLSearchParams(posts[0]).get('submission');
    expect(key, 'the form carries its one-time key').toMatch(/^[0-9a-f-]{36}$/);
    const again = await request.post('/log', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: posts[0],
      maxRedirects: 0,
    });
    expect(again.status()).toBe(303);
    expect(again.headers()['location']).toBe(new URL(page.url()).pathname + new URL(page.url()).search + '#logged');
    expect(await episodeTotal(request, PRACTICE)).toBe(before + 1);
  });
});
