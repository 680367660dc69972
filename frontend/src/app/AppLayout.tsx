import { Link, Outlet } from "@tanstack/react-router";

import { PAGES } from "./pages";

const NAV_ITEM =
  "flex items-center border-b-2 px-3 no-underline focus-visible:-outline-offset-2 focus-visible:outline-sky-400";

export function AppLayout() {
  return (
    <div>
      <header className="flex h-14 items-center gap-8 bg-slate-900 px-8 text-slate-50">
        <div className="flex items-center gap-2.5">
          <span
            className="size-[22px] rounded-md bg-linear-135 from-sky-400 via-blue-600 via-55% to-violet-600"
            aria-hidden="true"
          />
          <h1 className="text-[17px] font-semibold tracking-[0.01em]">FinOps Platform</h1>
        </div>
        <nav className="flex h-full gap-1 overflow-x-auto" aria-label="Pages">
          {PAGES.map((page) => (
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
      </header>
      <main className="mx-auto flex max-w-[1440px] flex-col gap-5 px-4 pt-4 pb-10 sm:px-8 sm:pt-6">
        <Outlet />
      </main>
    </div>
  );
}
