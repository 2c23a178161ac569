// The README walkthrough (catalog, a slow SQL statement with progress, a confirmed job run) driven by the official
// MCP TypeScript SDK client (@modelcontextprotocol/client), on the revision named by the first argument:
//   node walkthrough.mjs <gateway /mcp url> 2026-07-28   -> modern era, pinned: server/discover, no session,
//                                                          the confirmation comes back as an input_required result
//   node walkthrough.mjs <gateway /mcp url> legacy       -> 2025-11-25 initialize + session, elicitation/create
// It prints one JSON object on stdout with what it saw; the Java test (WalkthroughClientsTest) judges it.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const [url, revision] = process.argv.slice(2);
const modern = revision !== 'legacy';
const seen = { revision, elicitations: [], progress: [] };

const client = new Client(
  { name: 'walkthrough', version: '1.0.0' },
  {
    capabilities: { elicitation: { form: {} } },
    versionNegotiation: modern ? { mode: { pin: revision } } : undefined,
  },
);
// The human of this walkthrough says yes to every confirmation question and remembers what was asked.
client.setRequestHandler('elicitation/create', async (request) => {
  seen.elicitations.push(request.params.message);
  return { action: 'accept', content: { confirm: true } };
});

const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);
seen.negotiatedVersion = transport.protocolVersion ?? null;
seen.sessionId = transport.sessionId ?? null;

const text = (result) => result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');
const call = async (name, args, options) => {
  const result = await client.callTool({ name, arguments: args }, options);
  return { isError: result.isError === true, text: text(result), structured: result.structuredContent ?? null };
};

try {
  seen.tools = (await client.listTools()).tools.map((t) => t.name);
  seen.catalogs = await call('list_catalogs', {});
  seen.tables = await call('list_tables', { catalog: 'samples', schema: 'tpch', page_size: 3 });
  seen.slowSql = await call(
    'execute_sql',
    { statement: 'SELECT sleep(7) AS waited, count(*) AS orders FROM samples.tpch.orders' },
    { onprogress: (p) => seen.progress.push(p), timeout: 60_000 },
  );
  const jobs = await call('list_jobs', {});
  seen.jobs = jobs;
  const jobId = JSON.parse(jobs.text).jobs[0].job_id;
  seen.runJob = await call('run_job', { job_id: jobId }, { timeout: 60_000 });
  const runId = JSON.parse(seen.runJob.text).run_id;
  seen.jobRun = await call('get_job_run', { run_id: runId });
} catch (error) {
  seen.error = String(error?.stack ?? error);
} finally {
  await client.close().catch(() => {});
}
process.stdout.write(JSON.stringify(seen) + '\n');
