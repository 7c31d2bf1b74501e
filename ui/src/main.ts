import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { colorScheme } from './lib/colorScheme.svelte';

// Before the first paint, so a dark system never flashes the light theme.
document.documentElement.dataset['appearance'] = colorScheme.dark ? 'dark' : 'light';

const target = document.getElementById('app');
if (!target) throw new Error('npsdesk: #app is missing from index.html');

export default mount(App, { target });
