/**
 * The functional administrator's screens: users (create, disable, set a password), devices, and
 * a household's access export (AVG art. 15).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { callApi, callApiBlob } from '../online';
import { formatDateTime, t } from '../i18n';
import { syncStatus } from '../services';

interface Organisation {
  id: string;
  name: string;
  kind: string;
}
interface User {
  id: string;
  username: string;
  display_name: string;
  organisation: Organisation;
  roles: string[];
  active: boolean;
}
interface Device {
  id: string;
  name: string;
  username: string;
  enrolled_at: string;
  last_seen_at: string | null;
  session_active: boolean;
  revoked_at: string | null;
}

const ROLES = ['field_worker', 'supervisor', 'functional_admin'];

export function Admin() {
  const m = t.value.admin;
  const [users, setUsers] = useState<User[] | null>(null);
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [organisations, setOrganisations] = useState<Organisation[]>([]);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function load() {
    const [u, d, o] = await Promise.all([
      callApi<User[]>('GET', '/api/admin/users'),
      callApi<Device[]>('GET', '/api/admin/devices'),
      callApi<Organisation[]>('GET', '/api/admin/organisations'),
    ]);
    setUsers(u.data);
    setDevices(d.data);
    setOrganisations(o.data ?? []);
    if (!u.ok && u.status === 0) setMessage({ text: m.needsNetwork, error: true });
  }

  useEffect(() => {
    void load();
  }, []);

  async function act(method: string, path: string, body: unknown, success: string) {
    const answer = await callApi(method, path, body);
    setMessage(
      answer.ok
        ? { text: success, error: false }
        : { text: answer.detail ?? t.value.errors.network, error: true },
    );
    if (answer.ok) await load();
    return answer.ok;
  }

  const offline = syncStatus.value?.online === false;
  return (
    <>
      <h1>{m.title}</h1>
      {offline && <p class="notice warn-box">{m.needsNetwork}</p>}
      {message && (
        <p class={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'} data-testid="admin-message">
          {message.text}
        </p>
      )}
      <section aria-labelledby="users">
        <h2 id="users">{m.users}</h2>
        <NewUser organisations={organisations} onCreate={(body, name) => act('POST', '/api/admin/users', body, m.created(name))} />
        {users && (
          <Table headers={[m.username, m.displayName, m.organisation, m.roles, m.status, m.actions]}>
            {users.map((user) => (
              <UserRow key={user.id} user={user} act={act} />
            ))}
          </Table>
        )}
      </section>
      <AccessExport />
      <section aria-labelledby="devices">
        <h2 id="devices">{m.devices}</h2>
        {devices && (
          <Table headers={[m.deviceName, m.user, m.enrolled, m.lastSeen, m.status, m.actions]}>
            {devices.map((device) => (
              <tr key={device.id} data-testid="device-row">
                <td>{device.name}</td>
                <td>{device.username}</td>
                <td>{formatDateTime(device.enrolled_at)}</td>
                <td>{device.last_seen_at ? formatDateTime(device.last_seen_at) : '–'}</td>
                <td>{device.revoked_at ? m.revoked : m.active}</td>
                <td>
                  {!device.revoked_at && (
                    <button
                      type="button"
                      class="danger"
                      onClick={() => {
                        if (confirm(m.revokeConfirm(device.name))) {
                          void act('POST', `/api/admin/devices/${device.id}/revoke`, undefined, m.revoked);
                        }
                      }}
                    >
                      {m.revoke}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </>
  );
}

function Table({ headers, children }: { headers: string[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {headers.map((header) => (
              <th scope="col" key={header}>
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

type Act = (method: string, path: string, body: unknown, success: string) => Promise<boolean>;

function UserRow({ user, act }: { user: User; act: Act }) {
  const m = t.value.admin;
  const [password, setPassword] = useState('');
  return (
    <tr data-testid="user-row">
      <td>{user.username}</td>
      <td>{user.display_name}</td>
      <td>{user.organisation.name}</td>
      <td>{user.roles.map((role) => m.roleNames[role] ?? role).join(', ')}</td>
      <td>{user.active ? m.active : m.disabled}</td>
      <td class="actions">
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void act('POST', `/api/admin/users/${user.id}/${user.active ? 'disable' : 'enable'}`, undefined, user.active ? m.disabled : m.active)
          }
        >
          {user.active ? m.disable : m.enable}
        </button>
        <form
          class="inline"
          onSubmit={(event) => {
            event.preventDefault();
            void act('POST', `/api/admin/users/${user.id}/reset-password`, { new_password: password }, m.passwordReset(user.display_name)).then(
              (ok) => ok && setPassword(''),
            );
          }}
        >
          <label>
            <span class="visually-hidden">
              {m.newPassword} ({user.username})
            </span>
            <input
              type="password"
              autoComplete="new-password"
              minLength={12}
              required
              value={password}
              placeholder={m.newPassword}
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
          </label>
          <button type="submit" class="secondary">
            {m.resetPassword}
          </button>
        </form>
      </td>
    </tr>
  );
}

function NewUser({
  organisations,
  onCreate,
}: {
  organisations: Organisation[];
  onCreate: (body: unknown, name: string) => Promise<boolean>;
}) {
  const m = t.value.admin;
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [organisationId, setOrganisationId] = useState('');
  const [roles, setRoles] = useState<string[]>(['field_worker']);
  const [password, setPassword] = useState('');
  // The first organisation until another is chosen: what the select shows is what is sent.
  const chosenOrganisation = organisationId || organisations[0]?.id || '';

  async function submit(event: Event) {
    event.preventDefault();
    const ok = await onCreate(
      { username, display_name: displayName, organisation_id: chosenOrganisation, roles, password },
      displayName,
    );
    if (ok) {
      setUsername('');
      setDisplayName('');
      setPassword('');
    }
  }

  return (
    <form class="stack boxed" onSubmit={(event) => void submit(event)} data-testid="new-user">
      <label>
        {m.username}
        <input required value={username} autoCapitalize="none" onInput={(event) => setUsername(event.currentTarget.value)} />
      </label>
      <label>
        {m.displayName}
        <input required value={displayName} onInput={(event) => setDisplayName(event.currentTarget.value)} />
      </label>
      <label>
        {m.organisation}
        <select value={chosenOrganisation} onChange={(event) => setOrganisationId(event.currentTarget.value)}>
          {organisations.map((organisation) => (
            <option key={organisation.id} value={organisation.id}>
              {organisation.name}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>{m.roles}</legend>
        {ROLES.map((role) => (
          <label key={role} class="check">
            <input
              type="checkbox"
              checked={roles.includes(role)}
              onChange={(event) =>
                setRoles(event.currentTarget.checked ? [...roles, role] : roles.filter((r) => r !== role))
              }
            />
            {m.roleNames[role]}
          </label>
        ))}
      </fieldset>
      <label>
        {m.password}
        <input
          type="password"
          autoComplete="new-password"
          minLength={12}
          required
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
      </label>
      {/* Until the organisations arrive there is nothing to choose: no half-filled request. */}
      <button type="submit" disabled={organisations.length === 0}>
        {m.create}
      </button>
    </form>
  );
}

// A case id as the tablets make it (a UUID). Administrators see no case lists, so the household
// or the worker hands them the reference printed on the household's papers.
const CASE_REFERENCE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Everything this organisation holds about one household, as a readable PDF or complete JSON.
 * Fetched with the token in the header (never in a link, where it would end up in the history)
 * and handed to the browser as a download; the server audits every export.
 */
function AccessExport() {
  const m = t.value.admin;
  const [reference, setReference] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function download(kind: 'pdf' | 'json') {
    const caseId = reference.trim().toLowerCase();
    if (!CASE_REFERENCE.test(caseId)) {
      setMessage({ text: m.exportInvalid, error: true });
      return;
    }
    setBusy(true);
    setMessage({ text: m.exportBusy, error: false });
    const suffix = kind === 'pdf' ? 'access-export.pdf' : 'access-export';
    const accept = kind === 'pdf' ? 'application/pdf' : 'application/json';
    const answer = await callApiBlob(`/api/admin/cases/${caseId}/${suffix}`, accept);
    setBusy(false);
    if (!answer.ok || !answer.data) {
      const text =
        answer.status === 404
          ? m.exportNotFound
          : answer.status === 403
            ? m.exportForbidden
            : answer.status === 0
              ? t.value.errors.network
              : (answer.detail ?? t.value.errors.generic);
      setMessage({ text, error: true });
      return;
    }
    const file = `inzage-${caseId}.${kind}`;
    const url = URL.createObjectURL(new Blob([answer.data], { type: accept }));
    const link = document.createElement('a');
    link.href = url;
    link.download = file;
    document.body.append(link);
    link.click();
    link.remove();
    // After the click the browser has its own copy; the household's data stays no longer here.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    setMessage({ text: m.exportDone(file), error: false });
  }

  return (
    <section aria-labelledby="access-export" data-testid="access-export">
      <h2 id="access-export">{m.accessExport}</h2>
      <p class="hint">{m.accessExportIntro}</p>
      <form
        class="stack boxed"
        onSubmit={(event) => {
          event.preventDefault();
          void download('pdf');
        }}
      >
        <label>
          {m.caseReference}
          <input
            required
            value={reference}
            autoCapitalize="none"
            autoComplete="off"
            spellcheck={false}
            placeholder={m.caseReferenceHint}
            data-testid="export-case"
            onInput={(event) => setReference(event.currentTarget.value)}
          />
        </label>
        <div class="actions">
          <button type="submit" disabled={busy} data-testid="export-pdf">
            {m.exportPdf}
          </button>
          <button type="button" class="secondary" disabled={busy} data-testid="export-json" onClick={() => void download('json')}>
            {m.exportJson}
          </button>
        </div>
        {message && (
          <p class={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'} data-testid="export-message">
            {message.text}
          </p>
        )}
      </form>
    </section>
  );
}
