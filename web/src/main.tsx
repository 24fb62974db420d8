import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App as AntApp, unstableSetRender } from 'antd';
import { I18nProvider } from './i18n';
import { AuthProvider } from './auth/AuthContext';
import { App } from './App';
import './styles.css';

// antd 5 renders pop-ups with the React 18 `render`; React 19 removed it, so give antd a
// createRoot-based renderer (the same thing @ant-design/v5-patch-for-react-19 does).
const roots = new WeakMap<Element | DocumentFragment, Root>();
unstableSetRender((node, container) => {
  let root = roots.get(container);
  if (!root) {
    root = createRoot(container);
    roots.set(container, root);
  }
  root.render(node);
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    root.unmount();
    roots.delete(container);
  };
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <BrowserRouter>
      <I18nProvider>
        <AntApp>
          <AuthProvider>
            <App />
          </AuthProvider>
        </AntApp>
      </I18nProvider>
    </BrowserRouter>
  </StrictMode>,
);
