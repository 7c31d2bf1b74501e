// Browser preview of the window with a mocked Rust side: `mock.html?scenario=dashboard` (see scenarios.ts).
import { mount } from 'svelte';
import App from '../App.svelte';
import { AppState } from '../lib/appState.svelte';
import { runScenario, scenarioFromQuery } from './scenarios';
import '../app.css';
import './mock.css';

const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) => {
  violations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} ${e.sample ? `(${e.sample.slice(0, 60)})` : ''}`);
  document.body.dataset['cspViolations'] = String(violations.length);
  let box = document.querySelector('.csp-report');
  if (!box) {
    box = document.createElement('div');
    box.className = 'csp-report';
    document.body.appendChild(box);
  }
  box.textContent = `CSP violations (${violations.length}):\n${violations.slice(0, 8).join('\n')}`;
});

const scenario = scenarioFromQuery(window.location.search);
const state = new AppState();
const setup = runScenario(scenario, state);

const target = document.getElementById('app');
if (!target) throw new Error('#app missing');
mount(App, { target, props: { state } });
void setup.afterMount();
