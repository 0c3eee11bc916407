import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitHubSettings } from '../model/github-settings';

/** The repository settings of `.projenrc.ts`, written by projen for the command-line tools. */
export const SETTINGS_FILE = '.projen/github-settings.json';

export function readGitHubSettings(root: string): GitHubSettings {
  const data = JSON.parse(readFileSync(join(root, SETTINGS_FILE), 'utf-8')) as Partial<GitHubSettings>;
  if (typeof data.owner !== 'string' || typeof data.repository !== 'string') {
    throw new Error(`${SETTINGS_FILE}: expected owner and repository; run "npx projen"`);
  }
  return { owner: data.owner, repository: data.repository };
}

/** The token of a workflow or a person: GITHUB_TOKEN, else GH_TOKEN (the GitHub CLI's). */
export function tokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.GITHUB_TOKEN || env.GH_TOKEN || undefined;
}
