#!/usr/bin/env node
// C2W_TRACE_STARTUP=1 marks each phase on stderr; the trace module alone, before oclif loads
import { traceStartup } from '@c2w/cli-kit/startup-trace';

traceStartup('c2w bin started');
const { execute } = await import('@c2w/cli-kit');
traceStartup('oclif loaded');
await execute({ dir: import.meta.url });
