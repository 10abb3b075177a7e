import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { startPostgres } from './support/postgres.js';

/** The tests' own PostgreSQL (test/support/postgres.ts): its start must not flake. */

it('starts on another port when its port was taken after it was chosen', async () => {
  // Prepare: a listener on the port, as another test's server could take it meanwhile
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const taken = (squatter.address() as { port: number }).port;
  try {
    // Act
    const postgres = await startPostgres({ port: taken });
    try {
      // Assess
      expect(postgres.port).not.toBe(taken);
      expect(await postgres.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await postgres.close();
    }
  } finally {
    squatter.close();
  }
});
