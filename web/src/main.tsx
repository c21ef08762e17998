import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app.css';
import { initI18n } from './i18n/index';

initI18n();

function App() {
  return <main>Nudge</main>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
