/** The console's shell: sign-in, the navigation of the tutorial's "Load Balancing" pane, the pages. */
import { render, type VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentSession, signIn, signOut, whenSessionLost, type SessionInfo } from './api.ts';
import { html } from './html.ts';
import { ErrorAlert, Field, useRoute } from './ui.ts';
import { CreateTargetGroup, TargetGroupList } from './target-groups.ts';
import { TargetGroupDetails } from './target-group-details.ts';
import { CreateLoadBalancer, LoadBalancerList } from './load-balancers.ts';
import { LoadBalancerDetails } from './load-balancer-details.ts';
import { CertificatesPage } from './certificates.ts';
import { SecurityGroupDetails, SecurityGroupsPage } from './security-groups.ts';

function SignIn({ onSignedIn, notice }: { onSignedIn: (s: SessionInfo) => void; notice: string | undefined }): VNode {
  const [id, setId] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const s = await signIn(id.trim(), secret);
      setSecret('');
      onSignedIn(s);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="sign-in">
    <h1>Albatross console</h1>
    <p>Sign in with an access key issued by Albatross (<code>albatross access-keys create</code>, or
      <code>admin-credentials</code> in the data directory).</p>
    ${notice ? html`<p class="alert alert-info" role="status">${notice}</p>` : null}
    <${ErrorAlert} error=${error} />
    <form onSubmit=${submit}>
      <${Field} label="Access key ID">${(fid: string) => html`<input id=${fid} name="accessKeyId" autocomplete="username"
        value=${id} onInput=${(e: Event) => setId((e.target as HTMLInputElement).value)} />`}<//>
      <${Field} label="Secret access key">${(fid: string) => html`<input id=${fid} name="secretAccessKey" type="password"
        autocomplete="current-password" value=${secret} onInput=${(e: Event) => setSecret((e.target as HTMLInputElement).value)} />`}<//>
      <button class="primary" type="submit" disabled=${busy}>Sign in</button>
    </form>
  </main>`;
}

/** The route's parts, decoded; undefined when the hash is not percent-encoded UTF-8 (`%E0`), which no link of the console makes. */
function routeParts(route: string): string[] | undefined {
  try {
    return route.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function NotFound({ route }: { route: string }): VNode {
  return html`<section>
    <h1>Page not found</h1>
    <p>The console has no page at <code>#${route}</code>. <a href="#/target-groups">Go to Target groups</a></p>
  </section>`;
}

function Page({ route }: { route: string }): VNode {
  const parts = routeParts(route);
  if (parts === undefined) return html`<${NotFound} route=${route} />`;
  const [area, name] = parts;
  if (area === 'load-balancers') {
    if (name === 'create') return html`<${CreateLoadBalancer} />`;
    if (name !== undefined) return html`<${LoadBalancerDetails} name=${name} />`;
    return html`<${LoadBalancerList} />`;
  }
  if (area === 'certificates') return html`<${CertificatesPage} />`;
  if (area === 'security-groups') return name !== undefined ? html`<${SecurityGroupDetails} id=${name} />` : html`<${SecurityGroupsPage} />`;
  if (area !== undefined && area !== 'target-groups') return html`<${NotFound} route=${route} />`;
  if (name === 'create') return html`<${CreateTargetGroup} />`;
  if (name !== undefined) return html`<${TargetGroupDetails} name=${name} />`;
  return html`<${TargetGroupList} />`;
}

/** The "Load Balancing" pane of the tutorial, plus the stores listeners and load balancers use. */
const NAV: Array<[string, string]> = [
  ['load-balancers', 'Load Balancers'],
  ['target-groups', 'Target Groups'],
  ['certificates', 'Certificates'],
  ['security-groups', 'Security groups'],
];

function App(): VNode {
  const [session, setSession] = useState<SessionInfo | undefined | null>(null);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    whenSessionLost(() => {
      setNotice('Your session has expired. Sign in again.');
      setSession(undefined);
    });
    void currentSession().then(setSession);
  }, []);
  if (session === null) return html`<p class="loading">Loading…</p>`;
  if (session === undefined) {
    return html`<${SignIn} notice=${notice} onSignedIn=${(s: SessionInfo) => {
      setNotice(undefined);
      setSession(s);
    }} />`;
  }
  const area = route.split('/')[1] ?? 'target-groups';
  return html`<div class="shell">
    <header class="top">
      <a class="brand" href="#/target-groups">Albatross</a>
      <span class="who">Signed in as <code>${session.accessKeyId}</code></span>
      <button type="button" onClick=${async () => {
        await signOut();
        setNotice('You have signed out.');
        setSession(undefined);
      }}>Sign out</button>
    </header>
    <nav class="side" aria-label="Load Balancing">
      <h2>Load Balancing</h2>
      <ul>
        ${NAV.map(([path, label]) => html`<li><a href=${`#/${path}`} aria-current=${area === path ? 'page' : undefined}>${label}</a></li>`)}
      </ul>
    </nav>
    <main class="content"><${Page} route=${route} /></main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app')!);
