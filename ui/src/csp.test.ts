// Static guards for the window's Content-Security-Policy and for untrusted text (survey names, comments, headers).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname);

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(svelte|ts)$/.test(name) && !/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

const sources = files(ROOT).map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }));
const svelte = sources.filter((s) => s.path.endsWith('.svelte'));

describe('CSP and untrusted text', () => {
  it('finds the sources', () => {
    expect(svelte.length).toBeGreaterThan(5);
  });

  it('has no inline style attributes in templates (use style: directives or classes)', () => {
    for (const s of svelte) {
      const markup = s.text.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '');
      expect(markup, s.path).not.toMatch(/\sstyle\s*=/);
    }
  });

  it('never renders HTML from strings', () => {
    for (const s of sources) {
      expect(s.text, s.path).not.toMatch(/\{@html/);
      expect(s.text, s.path).not.toMatch(/\.innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=/);
      expect(s.text, s.path).not.toMatch(/setAttribute\(\s*['"]style['"]/);
      expect(s.text, s.path).not.toMatch(/\beval\(|new Function\(/);
    }
  });

  it('loads nothing from the network', () => {
    for (const s of sources) {
      if (s.path.includes('generated')) continue; // ts-rs headers link to ts-rs
      expect(s.text, s.path).not.toMatch(/@import\s+url\(|fonts\.googleapis|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    }
  });

  it('talks to Tauri only from src/api', () => {
    for (const s of sources) {
      if (s.path.startsWith('api/') || s.path.startsWith('api\\')) continue;
      expect(s.text, s.path).not.toMatch(/from\s+['"]@tauri-apps\//);
    }
  });
});

describe('the shell’s security settings', () => {
  // Loosening either is a deliberate change: this test must be edited with it, so it shows in review.
  const conf = JSON.parse(readFileSync(join(ROOT, '../../tauri.conf.json'), 'utf8')) as {
    app: { security: { csp: string; dangerousDisableAssetCspModification?: unknown } };
  };
  const capabilities = JSON.parse(readFileSync(join(ROOT, '../../src-tauri/capabilities/main.json'), 'utf8')) as {
    windows: string[];
    permissions: string[];
  };

  it('keeps the strict CSP: self only, no inline or eval, IPC only', () => {
    expect(conf.app.security.csp).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
        "connect-src ipc: http://ipc.localhost; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(conf.app.security.csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/(?!ipc\.localhost)/);
    expect(conf.app.security.dangerousDisableAssetCspModification).toBeUndefined();
  });

  it('grants the window only core IPC and the open/save dialogs (no fs, shell or http plugin)', () => {
    expect(capabilities.windows).toEqual(['main']);
    expect([...capabilities.permissions].sort()).toEqual(['core:default', 'dialog:allow-open', 'dialog:allow-save']);
  });
});
