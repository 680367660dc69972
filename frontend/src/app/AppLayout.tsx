import { Link, Outlet, useLocation } from "@tanstack/react-router";

import { Brand } from "../components/ui";
import { allows } from "../auth/permissions";
import { useMe } from "../auth/session";
import { UserMenu } from "../features/auth/UserMenu";
import { PAGES } from "./pages";

const NAV_ITEM =
  "flex items-center border-b-2 px-3 no-underline focus-visible:-outline-offset-2 focus-visible:outline-sky-400";

/** The pages the signed-in user may open (the ones needing no particular right at first). */
function usePages() {
  const me = useMe();
  return PAGES.filter((page) => !("need" in page) || allows(me.data, page.need));
}

/** Header (pages and user menu) over the page; the pages ask the API in parallel with
 * `/auth/me`, and any 401 among them sends the user to the login page. */
export function AppLayout() {
  const pages = usePages();
  return (
    <div>
      <header className="flex h-14 items-center gap-8 bg-slate-900 px-8 text-slate-50">
        <Brand />
        <nav className="flex h-full gap-1 overflow-x-auto" aria-label="Pages">
          {pages.map((page) => (
            <Link
              key={page.path}
              to={page.path}
              activeOptions={{ exact: true, includeSearch: false }}
              className={NAV_ITEM}
              activeProps={{ className: "border-sky-400 text-white", "aria-current": "page" }}
              inactiveProps={{ className: "border-transparent text-slate-300 hover:text-white" }}
            >
              {page.label}
            </Link>
          ))}
        </nav>
        <UserMenu />
      </header>
      <main className="mx-auto flex max-w-[1440px] flex-col gap-5 px-4 pt-4 pb-10 sm:px-8 sm:pt-6">
        <Outlet />
      </main>
    </div>
  );
}

/** The login page alone; every other page inside the layout. */
export function RootLayout() {
  const onLogin = useLocation({ select: (location) => location.pathname === "/login" });
  return onLogin ? <Outlet /> : <AppLayout />;
}
