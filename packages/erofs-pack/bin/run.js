#!/usr/bin/env node
import { execute } from '@c2w/cli-kit';

await execute({ dir: import.meta.url });
