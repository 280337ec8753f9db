import { runBin } from '@c2w/testing';

describe('c2w umbrella', () => {
  it('runs each tool command exactly as the tool does', async () => {
    const args = ['layer-flatten', 'oci:/nonexistent/layout:latest'];
    const viaUmbrella = await runBin('c2w', args);
    const direct = await runBin('layer-flatten', args.slice(1));
    expect(viaUmbrella.exitCode).toBe(direct.exitCode);
    expect(viaUmbrella.stderr).toBe(direct.stderr);
  });

  it('lists the tools in its help', async () => {
    const r = await runBin('c2w', ['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain('layer-flatten');
  });
});
